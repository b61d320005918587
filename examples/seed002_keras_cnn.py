"""Seed 002's Keras convolutional network on the digits, recorded by nnviz while Keras trains it.

The model is the seed's ``create_convolutional_neural_network_keras``. The seed's listing lost its
first ``model.add`` line; it is the course's ``Conv2D(n_filters, (receptive_field,
receptive_field), input_shape=input_shape, padding='same', activation='relu',
kernel_regularizer=l2(lmbd))``. Its typos are fixed (``from keras.regularizers import l2``, not
``12``; ``SGD(learning_rate=eta)``, not ``lr=``; Keras 3 imports the layers from
``keras.layers``): 10 filters of 3x3 with ReLU, 2x2 max-pooling, Flatten, 50 ReLUs and 10 softmax
outputs, each with ``l2(lmbd)``, categorical cross-entropy, plain SGD in minibatches of 100. The
data are the seed's: the raw 8x8 pixels (0..16) as images (n, 8, 8, 1), one-hot labels, 80 % for
training (``random_state=0``; the seed leaves the split unseeded). One (eta, lambda) point of the
seed's grid, for fewer epochs than the seed's 100 so that the script stays quick (``--epochs 100``
for the seed's run).

``TraceCallback`` records every update as an nnviz CNN (filters in PyTorch's layout
(out, in, kh, kw), the first Dense kernel's rows in nnviz's (C, H, W) flattening order, see
``nnviz.nn.frameworks.keras_conv_layers``); the filters, feature-map and loss views then draw it, and
``nnviz scene ConvolutionFlow --trace OUTPUT_DIR/keras_cnn.h5`` makes the lecture video.

    KERAS_BACKEND=torch python examples/seed002_keras_cnn.py [OUTPUT_DIR] [--epochs N]
"""

import argparse
import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")  # before Keras is imported: no TensorFlow needed

import numpy as np
from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
from keras.models import Sequential
from keras.optimizers import SGD
from keras.regularizers import l2
from keras.utils import set_random_seed, to_categorical
from sklearn import datasets
from sklearn.model_selection import train_test_split

from nnviz.integrations.keras import TraceCallback
from nnviz.render import animate

ap = argparse.ArgumentParser(description="Seed 002's Keras CNN on the digits, recorded and animated")
ap.add_argument("out", nargs="?", default="out", help="output folder (default: out)")
ap.add_argument("--epochs", type=int, default=10, help="epochs (the seed trains 100; default 10)")
ap.add_argument("--eta", type=float, default=0.01, help="learning rate (default 0.01)")
ap.add_argument("--lmbd", type=float, default=1e-4, help="L2 factor of every layer (default 1e-4)")
args = ap.parse_args()
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


# ---- the seed's code (typos fixed) -------------------------------------------------------------
def create_convolutional_neural_network_keras(input_shape, receptive_field, n_filters, n_neurons_connected,
                                              n_categories, eta, lmbd):
    model = Sequential()
    model.add(Conv2D(n_filters, (receptive_field, receptive_field), input_shape=input_shape, padding='same',
                     activation='relu', kernel_regularizer=l2(lmbd)))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Flatten())
    model.add(Dense(n_neurons_connected, activation='relu', kernel_regularizer=l2(lmbd)))
    model.add(Dense(n_categories, activation='softmax', kernel_regularizer=l2(lmbd)))
    sgd = SGD(learning_rate=eta)
    model.compile(loss='categorical_crossentropy', optimizer=sgd, metrics=['accuracy'])
    return model


digits = datasets.load_digits()
inputs = digits.images[:, :, :, np.newaxis]  # (n, 8, 8, 1): channels last, values 0..16
labels = to_categorical(digits.target)
X_train, X_test, Y_train, Y_test = train_test_split(inputs, labels, train_size=0.8, test_size=0.2,
                                                    random_state=0)
input_shape = X_train.shape[1:4]
receptive_field, n_filters, n_neurons_connected, n_categories, batch_size = 3, 10, 50, 10, 100
# ------------------------------------------------------------------------------------------------

if os.environ["KERAS_BACKEND"] == "torch":
    import torch

    torch.set_num_threads(1)  # a network this small trains fastest on one thread
set_random_seed(0)
CNN = create_convolutional_neural_network_keras(input_shape, receptive_field, n_filters, n_neurons_connected,
                                                n_categories, eta=args.eta, lmbd=args.lmbd)
trace_file = out / "keras_cnn.h5"
record = TraceCallback(trace_file, X_train, Y_train, record="auto", X_test=X_test, y_test=Y_test,
                       class_names=[str(d) for d in range(10)], probe=16)
CNN.fit(X_train, Y_train, epochs=args.epochs, batch_size=batch_size, verbose=0, callbacks=[record])
scores = CNN.evaluate(X_test, Y_test, verbose=0)

trace = record.trace
print(f"Learning rate = {args.eta}, Lambda = {args.lmbd}, {args.epochs} epochs "
      f"({int(trace.all_steps[-1])} minibatch updates)")
print(f"Test accuracy: {scores[1]:.3f} (Keras)   {trace.test_accuracy[-1]:.3f} (nnviz, from the trace)")
print(f"recorded as {trace.network.describe()}")
animate(trace, out / "keras_cnn.gif", views=["filters", "featuremaps", "loss"], size=(960, 540), max_frames=60)
print("wrote", out / "keras_cnn.gif", "and", trace_file)
