# source: https://github.com/thampiman/reverse-geocoder/issues/31
# models: the answer in the thread: the same script with the search() call moved under the main guard
# expect: clean (the spawned workers import the library and the script without calling search)
import rg_lite

coordinates = [(48.86, 2.34), (40.40, -3.71)]

if __name__ == "__main__":
    results = rg_lite.search(coordinates)
    print(results)
