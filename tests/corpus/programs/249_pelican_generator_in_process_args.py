# source: https://github.com/getpelican/pelican/issues/2400
# models: "pelican -lr": the listener process gets the settings and a generator of file watchers, built with a generator expression, as Process arguments
# expect: fails-spawn: the generator is pickled with the Process arguments -> TypeError: cannot pickle 'generator' object (fork works)
import multiprocessing


def folder_watcher(path, extensions):
    return {"path": path, "extensions": tuple(extensions)}


def listen(settings, watchers):
    for watcher in watchers:
        print("watching", watcher["path"], "for", settings["THEME"])


if __name__ == "__main__":
    settings = {"THEME": "notmyidea", "PATHS": ["content", "pages"]}
    watchers = (folder_watcher(path, ["md", "rst"]) for path in settings["PATHS"])
    p = multiprocessing.Process(target=listen, args=(settings, watchers))
    p.start()
    p.join()
