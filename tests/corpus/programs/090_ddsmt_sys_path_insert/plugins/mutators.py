def simplify(term):
    for old, new in (("(and true x)", "x"), ("(or false y)", "y"), ("(not (not z))", "z")):
        term = term.replace(old, new)
    return term
