# source: https://github.com/facebookresearch/SparseConvNet/issues/125
# models: the example's unet.py builds the training iterator with data.train() at module level and loops over it; data.py's train() returns a DataLoader with collate_fn=lambda x: merge(x) and 2 workers (multi-file)
# expect: fails-spawn: Can't pickle local object 'train.<locals>.<lambda>' when the loop starts the workers on Windows; the unguarded loop would also re-run in every worker
import data

trainIterator = data.train()
for epoch in range(1):
    for i, batch in enumerate(trainIterator):
        print(epoch, i, len(batch["x"][0]))
