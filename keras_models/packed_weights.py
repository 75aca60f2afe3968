"""Functions for export whose weights are a few stacked variables instead of one per layer.

A SavedModel pays per variable and per graph node when it loads and when a function first runs:
an ir2i-tiny export has 643 variables read by 708 ``ReadVariableOp`` nodes, and loading it took
1.5-2.3 s (re-creating and restoring the variables half of it), its first ``encode_patches``
call 1.0-1.3 s (optimising and instantiating its 1,935 nodes). ``pack`` rewrites traced
functions so that they read every weight from one variable per distinct shape (the weights
stacked along a new first axis and unstacked in the graph): 22 variables and 1,320 nodes for
that export, which loads in 0.4-0.6 s and runs its first call in 0.5 s (same machine, same hour).

The arithmetic is unchanged: each function's graph is the traced one, node for node, with each
weight's read replaced by an ``Unpack`` output holding the same values, so the results are bit
for bit the same (``tests/keras_models/test_packed_weights.py``; IR2I's golden streams). The
weights are not frozen into constants on purpose: Grappler's remapper fuses more with constant
weights and moves results by about 5e-7.

The packed variables are a snapshot of the weights at packing time, for inference-only exports
(nothing trains or re-saves them).
"""
from __future__ import annotations

import collections

import numpy as np
import tensorflow as tf
from tensorflow.core.framework import node_def_pb2

__all__ = ["pack"]

_SCOPE = "packed"


def _stack_name(k: int) -> str:
    return f"{_SCOPE}/stack{k}"


def _unstack_name(k: int) -> str:
    return f"{_SCOPE}/unstack{k}"


def _rewritten(concrete, slots: dict, counts: list[int], function: str):
    """(graph_def, stacks it reads): ``concrete``'s graph with each variable read replaced by
    the output of an ``Unpack`` of that variable's stack, fed through a placeholder."""
    handles = {}  # the graph's placeholder for a captured variable handle -> (stack, position)
    for external, internal in concrete.graph.captures:
        if id(external) not in slots:
            raise ValueError(f"pack: {function} captures {external.dtype.name} {external.shape} that is not one of "
                             "the variables to pack (a tensor from outside the function)")
        handles[internal.op.name] = slots[id(external)]
    graph_def = concrete.graph.as_graph_def()
    if graph_def.library.function:
        raise ValueError(f"pack: {function} calls other functions ({graph_def.library.function[0].signature.name}, "
                         "...); trace it with the calls inlined")
    reads = {node.name: handles[node.input[0]] for node in graph_def.node
             if node.op == "ReadVariableOp" and node.input[0] in handles}

    def rewired(source: str) -> str:
        control = source.startswith("^")
        name = source.lstrip("^").split(":")[0]
        if name in handles:
            raise ValueError(f"pack: {function} uses a variable other than by reading it ({source})")
        if name not in reads:
            return source
        k, j = reads[name]
        return f"^{_unstack_name(k)}" if control else f"{_unstack_name(k)}:{j}"

    kept = []
    for node in graph_def.node:
        if node.name in handles or node.name in reads:
            continue
        node.input[:] = [rewired(source) for source in node.input]
        kept.append(node)
    stacks = sorted({k for k, _ in reads.values()})
    added = []
    for k in stacks:
        placeholder = node_def_pb2.NodeDef(name=_stack_name(k), op="Placeholder")
        placeholder.attr["dtype"].type = tf.float32.as_datatype_enum
        unstack = node_def_pb2.NodeDef(name=_unstack_name(k), op="Unpack", input=[placeholder.name])
        unstack.attr["T"].type = tf.float32.as_datatype_enum
        unstack.attr["num"].i = counts[k]
        unstack.attr["axis"].i = 0
        added += [placeholder, unstack]
    del graph_def.node[:]
    graph_def.node.extend(added + kept)
    return graph_def, stacks


def pack(functions: dict, variables, name: str | None = None) -> tf.Module:
    """A ``tf.Module`` holding, for each ``name: tf.function`` of ``functions`` (each with an
    ``input_signature``), a function computing the same from packed copies of the float32
    ``variables`` it reads; the module tracks only those copies."""
    concretes = {key: fn.get_concrete_function() for key, fn in functions.items()}
    captured = {id(external) for concrete in concretes.values() for external, _ in concrete.graph.captures}
    groups = collections.defaultdict(list)
    for v in variables:
        if id(v.handle) in captured:
            if v.dtype != tf.float32:
                raise ValueError(f"pack: {v.name} is {v.dtype.name}; only float32 weights are packed")
            groups[tuple(v.shape.as_list())].append(v)
    shapes = sorted(groups)
    module = tf.Module(name=name)
    module.stacks, slots = [], {}
    for k, shape in enumerate(shapes):
        module.stacks.append(tf.Variable(np.stack([v.numpy() for v in groups[shape]]), trainable=False,
                                         name=f"stack{k}"))
        slots.update({id(v.handle): (k, j) for j, v in enumerate(groups[shape])})
    counts = [len(groups[shape]) for shape in shapes]
    for key, concrete in concretes.items():
        graph_def, stacks = _rewritten(concrete, slots, counts, key)
        setattr(module, key, _function(module.stacks, concrete, graph_def, stacks))
    return module


def _function(variables: list, concrete, graph_def, stacks: list[int]):
    """The tf.function importing ``graph_def`` with its arguments and stacks fed."""
    signature = list(concrete.structured_input_signature[0])
    arguments = [t.name for t in concrete.inputs[:len(tf.nest.flatten(signature))]]
    outputs = [t.name for t in concrete.outputs]
    structure = concrete.structured_outputs

    def run(*args):
        feeds = dict(zip(arguments, tf.nest.flatten(args)))
        feeds.update({f"{_stack_name(k)}:0": variables[k].read_value() for k in stacks})
        results = tf.graph_util.import_graph_def(graph_def, input_map=feeds, return_elements=outputs)
        return tf.nest.pack_sequence_as(structure, results)

    return tf.function(run, input_signature=signature, autograph=False)
