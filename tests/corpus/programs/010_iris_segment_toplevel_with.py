# source: https://github.com/ntachukwu/python-iris-recognition/issues/2
# models: an iris-recognition script encodes every eye image in a `with Pool() as p:` block at the top level of the script; works on Linux, RuntimeError on a Mac
# expect: fails-spawn: the Pool inside a top-level `with` block starts while the main module is imported; spawned workers re-run the block while bootstrapping (RuntimeError), the pool replaces them forever (hang)
import hashlib
from multiprocessing import Pool


def encode_iris(path):
    digest = hashlib.sha256(path.encode()).hexdigest()
    return path, digest[:8]


files = [f"eyes/{person:03d}_{side}.bmp" for person in range(3) for side in "LR"]

with Pool(2) as p:
    templates = dict(p.map(encode_iris, files))

for name in sorted(templates):
    print(name, templates[name])
