"""Per-image statistics, computed in worker processes."""
import multiprocessing as mp


def mean_brightness(image):
    pixels = [value for row in image for value in row]
    return sum(pixels) / len(pixels)


def summarise_all(images, workers):
    with mp.Pool(workers) as pool:
        return pool.map(mean_brightness, images)
