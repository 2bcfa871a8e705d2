"""Train the bundled DigitsCNN on sklearn's 8x8 digits and write the package's shipped files.

Writes fpxint_sim/models/weights/digits_cnn.pt (state_dict) and digits_test.npz (the held-out
split from `fpxint_sim.models.digits_data.split_indices`), then prints the float test accuracy.
Deterministic: fixed seeds, one CPU thread, deterministic algorithms, fixed epoch count (the
test split is never used to choose anything). Needs scikit-learn (the `train` extra).

    pip install -e '.[train]' && python scripts/train_digits_cnn.py
"""

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

from fpxint_sim.models import digits_cnn, digits_data
from fpxint_sim.models.digits_cnn import DigitsCNN

TORCH_SEED = 0
EPOCHS = 60
BATCH_SIZE = 32
LEARNING_RATE = 3e-3
WEIGHT_DECAY = 1e-4
WEIGHTS_DIR = Path(digits_cnn.__file__).resolve().parent / "weights"


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> None:
    """Adam with a cosine learning-rate decay over a fixed number of epochs, seeded shuffling."""
    gen = torch.Generator().manual_seed(TORCH_SEED)
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(EPOCHS):
        for batch in torch.randperm(len(x), generator=gen).split(BATCH_SIZE):
            opt.zero_grad()
            loss_fn(model(x[batch]), y[batch]).backward()
            opt.step()
        sched.step()
    model.eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=WEIGHTS_DIR, help="where to write files")
    args = parser.parse_args()

    start = time.perf_counter()
    torch.manual_seed(TORCH_SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    digits = load_digits()
    images = digits.images.astype(np.uint8)  # integers 0..16 stored as float64 by sklearn
    labels = digits.target.astype(np.int64)
    train_idx, test_idx = digits_data.split_indices(len(labels))

    model = DigitsCNN()
    x_train = digits_data.pixels_to_input(images[train_idx])
    train(model, x_train, torch.from_numpy(labels[train_idx]))

    with torch.no_grad():
        pred = model(digits_data.pixels_to_input(images[test_idx])).argmax(dim=1).numpy()
    correct = int((pred == labels[test_idx]).sum())

    args.out_dir.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), args.out_dir / digits_cnn.WEIGHTS_FILE)
    np.savez_compressed(
        args.out_dir / digits_data.TEST_FILE,
        images=images[test_idx],
        labels=labels[test_idx].astype(np.uint8),
        sklearn_indices=test_idx.astype(np.int32),
    )
    print(f"float test accuracy: {correct}/{len(test_idx)} = {correct / len(test_idx):.4f}")
    print(f"train size {len(train_idx)}, time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
