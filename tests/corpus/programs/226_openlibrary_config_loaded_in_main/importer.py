import webconfig


def do_import(identifier):
    db = webconfig.config["db_parameters"]
    return f"{identifier} -> {db}"
