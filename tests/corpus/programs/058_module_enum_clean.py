# source: https://github.com/codebox/mosaic/issues/4
# models: the same mosaic builder with the Enum declared at module level
# expect: clean (members of a module-level Enum pickle by name and resolve in the child)
import enum
import multiprocessing


class TileKind(enum.Enum):
    SMALL = 1
    LARGE = 2


def build_mosaic(result_queue, tiles):
    result_queue.put(sorted((kind.name, size) for kind, size in tiles))


def compose(sizes):
    tiles = [(TileKind.SMALL if s < 10 else TileKind.LARGE, s) for s in sizes]
    result_queue = multiprocessing.Queue()
    builder = multiprocessing.Process(target=build_mosaic, args=(result_queue, tiles))
    builder.start()
    result = result_queue.get(timeout=10)
    builder.join()
    return result


if __name__ == "__main__":
    print(compose([4, 12, 8, 30]))
