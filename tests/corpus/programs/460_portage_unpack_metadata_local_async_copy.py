# source: https://github.com/gentoo/portage/pull/1142
# models: vardbapi.unpack_metadata(pkg, dest_dir) defines async_copy() inside itself and runs it through a small executor that starts a multiprocessing.Process per job, awaited from an asyncio coroutine
# expect: fails-spawn: AttributeError: Can't pickle local object 'vardbapi.unpack_metadata.<locals>.async_copy'
import asyncio
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


class vardbapi:
    def __init__(self, root):
        self.root = root

    async def unpack_metadata(self, pkg, dest_dir, executor):
        dbdir = os.path.join(self.root, pkg)

        def async_copy():
            for name in sorted(os.listdir(dbdir)):
                shutil.copy(os.path.join(dbdir, name), os.path.join(dest_dir, name))

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
