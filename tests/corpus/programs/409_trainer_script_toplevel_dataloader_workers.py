# source: https://github.com/hiyouga/LlamaFactory/pull/10764
# models: a fine-tuning script run top to bottom (no main guard) whose TrainingArguments ask for dataloader_num_workers=2; trainer.train() is called at module level
# expect: fails-spawn: train() starts the DataLoader workers while the script is being imported -> RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase
from transformers import Trainer, TrainingArguments


def collate(features):
    return {"input_ids": [f["input_ids"] for f in features]}


def model(batch):
    return sum(len(ids) for ids in batch["input_ids"])


dataset = [{"input_ids": [1] * n} for n in (3, 5, 2, 4)]
training_args = TrainingArguments(
    output_dir="saves/lora",
    per_device_train_batch_size=2,
    num_train_epochs=1,
    dataloader_num_workers=2,
)
trainer = Trainer(model=model, args=training_args, data_collator=collate, train_dataset=dataset)
print("losses:", trainer.train())
