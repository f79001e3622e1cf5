from multiprocessing import Pool

_CITIES = [("Paris", 48.85, 2.35), ("Berlin", 52.52, 13.40), ("Madrid", 40.42, -3.70)]


def _nearest(coord):
    lat, lon = coord
    return min(_CITIES, key=lambda c: (c[1] - lat) ** 2 + (c[2] - lon) ** 2)[0]


class RGeocoder:
    def __init__(self, mode=2):
        self.mode = mode

    def query(self, coordinates):
        if self.mode == 1:
            return [_nearest(c) for c in coordinates]
        with Pool(2) as pool:
            return pool.map(_nearest, coordinates)


def search(geo_coords, mode=2):
    if isinstance(geo_coords, tuple):
        geo_coords = [geo_coords]
    return RGeocoder(mode=mode).query(geo_coords)
