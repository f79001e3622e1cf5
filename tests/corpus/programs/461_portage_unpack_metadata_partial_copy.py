# source: https://github.com/gentoo/portage/pull/1142
# models: the merged fix: the copy becomes a module-level function bound with functools.partial to the source and destination directories before it is submitted
# expect: clean (a partial of a module-level function with two strings pickles)
import asyncio
import functools
import multiprocessing
import os
import shutil
import tempfile


class ProcessExecutor:
    def __init__(self):
        self._procs = []

    def submit(self, fn, *args):
        proc = multiprocessing.Process(target=fn, args=args)
        proc.start()
        self._procs.append(proc)
        return proc

    async def wait(self, proc):
        await asyncio.to_thread(proc.join)
        return proc.exitcode


def _copy_metadata(dbdir, dest_dir):
    for name in sorted(os.listdir(dbdir)):
        shutil.copy(os.path.join(dbdir, name), os.path.join(dest_dir, name))


class vardbapi:
    def __init__(self, root):
        self.root = root

    async def unpack_metadata(self, pkg, dest_dir, executor):
        dbdir = os.path.join(self.root, pkg)
        async_copy = functools.partial(_copy_metadata, dbdir, dest_dir)
        return await executor.wait(executor.submit(async_copy))


async def main():
    root = tempfile.mkdtemp()
    os.makedirs(os.path.join(root, "app-misc", "foo-1"))
    for key in ("SLOT", "EAPI"):
        with open(os.path.join(root, "app-misc", "foo-1", key), "w") as f:
            f.write("0\n")
    dest = tempfile.mkdtemp()
    rc = await vardbapi(root).unpack_metadata("app-misc/foo-1", dest, ProcessExecutor())
    print(rc, sorted(os.listdir(dest)))


if __name__ == "__main__":
    asyncio.run(main())
