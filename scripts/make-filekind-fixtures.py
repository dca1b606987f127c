"""Small model files of the formats issue 15 adds, made by their own libraries, for
test/core/fileKind.test.ts (which checks that the app's file classifier recognises them by
content). Run with Debian's Python (it has onnx, torch and xgboost):

    /usr/bin/python3 scripts/make-filekind-fixtures.py

Writes test/fixtures/filekind/{helper.onnx, torch.onnx, xgboost.json}; the outputs are committed,
so the tests never need Python.
"""
import io
import os

import numpy as np
import onnx
import torch
import xgboost as xgb
from onnx import TensorProto, helper

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "filekind")
os.makedirs(OUT, exist_ok=True)

# onnx.helper: one Sigmoid node, the smallest valid model.
graph = helper.make_graph(
    [helper.make_node("Sigmoid", ["x"], ["p"])],
    "tiny",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 1])],
    [helper.make_tensor_value_info("p", TensorProto.FLOAT, [None, 1])],
)
model = helper.make_model(graph, producer_name="glassbox-fixture", opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, os.path.join(OUT, "helper.onnx"))

# torch.onnx.export: Linear + Sigmoid, as a PyTorch user would export it.
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Sigmoid())
buf = io.BytesIO()
torch.onnx.export(net, torch.zeros(1, 3), buf, input_names=["x"], output_names=["p"])
with open(os.path.join(OUT, "torch.onnx"), "wb") as f:
    f.write(buf.getvalue())

# XGBoost's JSON model (Booster.save_model), two trees of depth 1.
rng = np.random.default_rng(0)
X = rng.normal(size=(64, 2))
y = (X[:, 0] > 0).astype(int)
booster = xgb.train(
    {"objective": "binary:logistic", "max_depth": 1, "seed": 0},
    xgb.DMatrix(X, label=y),
    num_boost_round=2,
)
booster.save_model(os.path.join(OUT, "xgboost.json"))
print("wrote", sorted(os.listdir(OUT)))
