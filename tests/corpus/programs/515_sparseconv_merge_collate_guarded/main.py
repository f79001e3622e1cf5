# source: https://github.com/facebookresearch/SparseConvNet/issues/125
# models: the repaired example: data.train() passes merge itself as collate_fn and unet.py runs its loop under if __name__ == '__main__' (multi-file)
# expect: clean (merge pickles by reference to data.merge; the workers re-import main.py without starting anything)
import data


def run():
    trainIterator = data.train()
    for epoch in range(1):
        for i, batch in enumerate(trainIterator):
            print(epoch, i, len(batch["x"][0]))


if __name__ == "__main__":
    run()
