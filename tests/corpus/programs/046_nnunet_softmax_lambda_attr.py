# source: https://github.com/MIC-DKFZ/nnUNet/issues/589
# models: a trainer object stores its inference non-linearity as a lambda attribute (softmax_helper); prediction passes the trainer to preprocessing/export processes (Windows)
# expect: fails-spawn: the trainer instance in Process args carries a lambda attribute -> PicklingError: Can't pickle <function <lambda>>
import math
import multiprocessing


class Trainer:
    def __init__(self, classes):
        self.classes = classes
        self.inference_apply_nonlin = lambda x: [math.exp(v) / sum(math.exp(u) for u in x) for v in x]

    def predict(self, logits):
        probs = self.inference_apply_nonlin(logits)
        return self.classes[probs.index(max(probs))]


def export_segmentation(trainer, cases, out):
    out.put([trainer.predict(c) for c in cases])


if __name__ == "__main__":
    trainer = Trainer(["background", "liver", "tumour"])
    out = multiprocessing.Queue()
    proc = multiprocessing.Process(target=export_segmentation, args=(trainer, [[0.1, 2.0, 0.3], [3.0, 0.2, 0.1]], out))
    proc.start()
    print(out.get(timeout=10))
    proc.join()
