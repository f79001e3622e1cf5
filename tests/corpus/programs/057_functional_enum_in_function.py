# source: https://github.com/codebox/mosaic/issues/4
# models: a mosaic builder creates its tile-kind Enum with the functional API inside the function that prepares the work and sends tiles tagged with members to the builder process (Windows)
# expect: fails-spawn: Enum members pickle by reference to their class, and a class made inside a function cannot be found -> PicklingError: Can't pickle <enum 'TileKind'>: attribute lookup TileKind on __main__ failed
import enum
import multiprocessing


def build_mosaic(result_queue, tiles):
    result_queue.put(sorted((kind.name, size) for kind, size in tiles))


def compose(sizes):
    TileKind = enum.Enum("TileKind", "SMALL LARGE")
    tiles = [(TileKind.SMALL if s < 10 else TileKind.LARGE, s) for s in sizes]
    result_queue = multiprocessing.Queue()
    builder = multiprocessing.Process(target=build_mosaic, args=(result_queue, tiles))
    builder.start()
    result = result_queue.get(timeout=10)
    builder.join()
    return result


if __name__ == "__main__":
    print(compose([4, 12, 8, 30]))
