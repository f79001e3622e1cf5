from data_provider.data_factory import data_provider


class Exp_Classification:
    def __init__(self, args):
        self.args = args

    def train(self, setting):
        train_data, train_loader = data_provider(self.args, "train")
        loss = 0.0
        for i, (batch_x, label) in enumerate(train_loader):
            loss += sum(label.tolist()) / len(label)
        return round(loss, 3)
