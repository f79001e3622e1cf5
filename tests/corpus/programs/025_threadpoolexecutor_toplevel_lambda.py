# source: https://github.com/python/cpython/issues/78256
# models: an asyncio-free downloader uses concurrent.futures.ThreadPoolExecutor with a lambda at module level (the thread-pool executor that asyncio recommends for the default executor)
# expect: clean (ThreadPoolExecutor runs callables in threads; lambdas and a missing guard are fine)
from concurrent.futures import ThreadPoolExecutor

urls = [f"https://example.org/page/{i}" for i in range(5)]

with ThreadPoolExecutor(max_workers=3) as executor:
    sizes = list(executor.map(lambda url: (url.rsplit("/", 1)[1], len(url)), urls))

print(sizes)
