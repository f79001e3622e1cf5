def load_shard(index):
    return len([i for i in range(index * 10, index * 10 + 10) if i % 3])
