# source: https://github.com/hiyouga/LlamaFactory/pull/10764
# models: LoRA fine-tuning with dataloader_num_workers > 0 on Windows: the data collator keeps the model (for its rope index), and PEFT's enable_input_require_grads registered a local function as a forward hook on it
# expect: fails-spawn: the Trainer's DataLoader workers get the collator, which pickles the model and its hook -> AttributeError: Can't pickle local object 'enable_input_require_grads.<locals>.make_inputs_require_grads'
from transformers import Trainer, TrainingArguments


class TinyModel:
    def __init__(self):
        self._forward_hooks = {}

    def register_forward_hook(self, hook):
        self._forward_hooks[len(self._forward_hooks)] = hook

    def get_rope_index(self, input_ids):
        return list(range(len(input_ids)))

    def __call__(self, batch):
        return sum(len(ids) for ids in batch["input_ids"])


def enable_input_require_grads(model):
    def make_inputs_require_grads(module, input, output):
        output.requires_grad_(True)

    model.register_forward_hook(make_inputs_require_grads)


class SFTDataCollatorWith4DAttentionMask:
    def __init__(self, model, pad_token_id=0):
        self.model = model
        self.pad_token_id = pad_token_id

    def __call__(self, features):
        input_ids = [f["input_ids"] for f in features]
        return {"input_ids": input_ids, "position_ids": [self.model.get_rope_index(ids) for ids in input_ids]}


def run_sft(num_workers):
    model = TinyModel()
    enable_input_require_grads(model)
    training_args = TrainingArguments(output_dir="saves/lora", per_device_train_batch_size=2,
                                      dataloader_num_workers=num_workers)
    dataset = [{"input_ids": [1] * n} for n in (3, 5, 2, 4)]
    trainer = Trainer(model=model, args=training_args,
                      data_collator=SFTDataCollatorWith4DAttentionMask(model=model),
                      train_dataset=dataset)
    print("losses:", trainer.train())


if __name__ == "__main__":
    run_sft(num_workers=4)
