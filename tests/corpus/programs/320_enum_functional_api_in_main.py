# source: https://github.com/python/cpython/issues/106959
# models: the class list is read at run time and turned into an Enum with the functional API inside main(); its members are sent to pool workers that look up each class
# expect: fails-spawn: members pickle by their class's name, 'classes_enum_name', which is not an attribute of the main module: "Can't pickle <enum 'classes_enum_name'>: attribute lookup classes_enum_name on __main__ failed" (every start method)
import enum
from multiprocessing import Pool


def count_images(label):
    return f"{label.name}: {len(label.name) * 10} images"


def main():
    classes = ["dog", "cat", "cow"]
    list_enum = enum.Enum("classes_enum_name", classes, start=0)
    with Pool(2) as pool:
        for line in pool.map(count_images, list(list_enum)):
            print(line)


if __name__ == "__main__":
    main()
