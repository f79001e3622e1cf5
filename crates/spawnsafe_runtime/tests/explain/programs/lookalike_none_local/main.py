from multiprocessing import Pool

def first_tag(record):
    tags = record.get("tags")
    return tags[0]

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(first_tag, [{"tags": ["a"]}, {"name": "b"}]))
