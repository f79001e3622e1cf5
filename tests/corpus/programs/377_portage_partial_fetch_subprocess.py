# source: https://github.com/gentoo/portage/pull/1150
# models: the fix replaced the nested _fetch_subprocess with a module-level function bound to its arguments by functools.partial and run as the Process target
# expect: clean (a partial pickles its module-level function, arguments and keywords, all picklable)
import functools
import multiprocessing


def _fetch_subprocess(fetchme, mysettings, listonly, done):
    for uri in fetchme:
        done.put(f"{mysettings['DISTDIR']}/{uri.rsplit('/', 1)[-1]}{' (list only)' if listonly else ''}")


def doebuild_fetch(fetchme, mysettings, listonly=False):
    done = multiprocessing.Queue()
    proc = multiprocessing.Process(
        target=functools.partial(_fetch_subprocess, fetchme, mysettings, listonly),
        args=(done,),
    )
    proc.start()
    fetched = [done.get(timeout=5) for _ in fetchme]
    proc.join()
    return fetched


if __name__ == "__main__":
    settings = {"DISTDIR": "/var/cache/distfiles"}
    for path in doebuild_fetch(["https://example.org/zlib-1.3.tar.xz"], settings):
        print(path)
