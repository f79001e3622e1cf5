# source: https://github.com/uqfoundation/multiprocess/issues/19
# models: a package module refuses to run as a script and otherwise creates a module-level multiprocess Pool (`if __name__ == "__main__": raise ... else: workers = mp.Pool(2)`); the script imports a test module that maps with it
# expect: fails-spawn: the else branch runs whenever the module is imported, including in each spawned pool worker that re-imports the script's imports, so workers fail while bootstrapping and the map hangs
print("Hello")

import pkg.test.workers  # noqa: E402

print("Goodbye")
