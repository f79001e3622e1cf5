# source: https://github.com/guofei9987/blind_watermark/issues/149
# models: a watermark core object creates its multiprocessing.Pool in __init__ (mode='multiprocessing') and maps its own bound method over image blocks
# expect: fails-spawn: mapping a bound method pickles the instance, which holds the Pool -> NotImplementedError: pool objects cannot be passed between processes or pickled (every start method)
import multiprocessing


class WaterMarkCore:
    def __init__(self, password_img=1, processes=2):
        self.password_img = password_img
        self.pool = multiprocessing.Pool(processes)

    def block_add_wm(self, block):
        return [(v + self.password_img) % 256 for v in block]

    def embed(self, blocks):
        return self.pool.map(self.block_add_wm, blocks)


if __name__ == "__main__":
    core = WaterMarkCore()
    try:
        print(core.embed([[1, 2, 3], [250, 255, 0]]))
    finally:
        core.pool.terminate()
