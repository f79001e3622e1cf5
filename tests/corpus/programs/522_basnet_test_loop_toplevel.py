# source: https://github.com/xuebinqin/BASNet/issues/32
# models: basnet_test.py: a flat test script that globs the images, builds the SalObjDataset and a DataLoader with num_workers=1, and loops over it at module level to write the predictions
# expect: fails-spawn: the loader's worker re-imports the script, which reaches the loop again while bootstrapping; the parent then reports DataLoader worker exited unexpectedly
import os
import tempfile

from torch.utils.data import DataLoader, Dataset


class SalObjDataset(Dataset):
    def __init__(self, img_name_list, lbl_name_list):
        self.image_name_list = img_name_list
        self.label_name_list = lbl_name_list

    def __len__(self):
        return len(self.image_name_list)

    def __getitem__(self, idx):
        with open(self.image_name_list[idx]) as f:
            return {"image": f.read(), "label": idx}


image_dir = tempfile.mkdtemp(prefix="basnet_")
for k in range(2):
    with open(os.path.join(image_dir, "im%d.jpg" % k), "w") as f:
        f.write("pixels%d" % k)
img_name_list = sorted(os.path.join(image_dir, n) for n in os.listdir(image_dir))

test_salobj_dataset = SalObjDataset(img_name_list=img_name_list, lbl_name_list=[])
test_salobj_dataloader = DataLoader(test_salobj_dataset, batch_size=1, shuffle=False, num_workers=1)

for i_test, data_test in enumerate(test_salobj_dataloader):
    print("inferencing:", os.path.basename(img_name_list[i_test]), data_test["image"])
