"""Beam's DaskRunner with the two defects that lose a pipeline's files mended.

Beam's own runner (``apache_beam.runners.dask.dask_runner.DaskRunner``, 2.72) runs a file-writing
pipeline to completion and writes nothing, for five reasons (``tests/components/test_dask_runner.py``
checks this runner on each):

* it computes only the *last* transform's Dask bag, so every other branch of the pipeline
  (the other splits' writes, a second sink) never runs;
* a side input is re-computed inside every task that reads it (``list(bag)`` in the task), so a
  producer that is not a pure function runs once per reader. ``WriteToTFRecord`` /
  ``WriteToText`` create their temporary directory in such a step and hand it to the writers and
  to the finaliser as a side input: the writers put their shards in one new directory each, the
  finaliser looks in yet another, finds nothing and leaves an empty output;
* a DoFn's outputs from ``finish_bundle`` are dropped (the bundle's results are taken before it
  runs), and the writers report their shards from ``finish_bundle``;
* it has no translation for ``Read``: a step that reads files (``ReadFromTFRecord``) gets no input;
* a multi-output ParDo's outputs all land in one bag, so a reader of one tag also gets every
  other tag's elements (ingestion's rejected samples would reach its writers).

This subclass builds the Dask graph with its own visitor: each side input's producer is
persisted once, before any reader is built; a bounded source is split into bundles that tasks
read; a DoFn's bundle results are collected after ``finish_bundle``; a reader of a tagged output
gets only that tag's elements; and every bag nobody consumes is computed (each reduced to its
partitions' lengths, so the client receives counts, not images). The TFX executors take it by its qualified name::

    beam_args: ["--runner=components.dask_runner.DaskRunner",
                "--dask_client_address=tcp://SCHEDULER:8786"]

Without ``--dask_client_address`` Dask starts a ``LocalCluster`` per Beam step. Beam counters are
not collected on Dask (the runner's ``metrics()`` is not implemented upstream); the steps that
report counters say so in their summaries.
"""
from __future__ import annotations

import functools

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.pipeline import PipelineVisitor
from apache_beam.runners.common import DoFnContext, DoFnInvoker, DoFnSignature, _OutputHandler  # pylint: disable=protected-access
from apache_beam.runners.dask import dask_runner, transform_evaluator as dask_ops
from apache_beam.runners.dask import overrides as dask_overrides_module
from apache_beam.runners.dask.overrides import dask_overrides
from apache_beam.transforms.sideinputs import SideInputMap

__all__ = ["DaskRunner"]


class _Consumers(PipelineVisitor):
    """Which transforms' outputs are read, and which of them as side inputs."""

    def __init__(self):
        self.consumed, self.side = set(), set()

    def visit_transform(self, node) -> None:
        for value in node.inputs:
            if not isinstance(value, pvalue.PBegin) and value.producer is not None:
                self.consumed.add(value.producer)
        for side_input in node.side_inputs:
            self.consumed.add(side_input.pvalue.producer)
            self.side.add(side_input.pvalue.producer)


def _run_bundle(items, invoker_args, invoker_kwargs, receivers):
    """One partition through a DoFn: setup, start, every element, finish, teardown; its outputs
    (from ``finish_bundle`` too), those of other tags than the main one still tagged."""
    invoker = DoFnInvoker.create_invoker(*invoker_args, **invoker_kwargs)
    invoker.invoke_setup()
    invoker.invoke_start_bundle()
    for item in items:
        invoker.invoke_process(item)
    invoker.invoke_finish_bundle()
    invoker.invoke_teardown()
    return [beam.pvalue.TaggedOutput(v.tag, v.value.value) if isinstance(v, beam.pvalue.TaggedOutput) else v.value
            for v in receivers.values]


class _ParDo(dask_ops.ParDo):
    """Beam's Dask ParDo, with each bundle's outputs taken after ``finish_bundle``."""

    def apply(self, input_bag, side_inputs=None):
        transform = self.transform
        args, kwargs = transform.raw_side_inputs
        main_input = next(iter(self.applied.main_inputs.values()))
        window_fn = main_input.windowing.windowfn if hasattr(main_input, "windowing") else None
        receivers = dask_ops.OneReceiver()
        handler = _OutputHandler(window_fn=window_fn, main_receivers=receivers[None], tagged_receivers=receivers,
                                 per_element_output_counter=None, output_batch_converter=None,
                                 process_yields_batches=False, process_batch_yields_elements=False)
        invoker_kwargs = dict(context=DoFnContext(transform.label, state=None), side_inputs=side_inputs,
                              input_args=list(args), input_kwargs=kwargs, user_state_context=None,
                              bundle_finalizer_param=beam.DoFn.BundleFinalizerParam())
        return input_bag.map(dask_ops.get_windowed_value, window_fn).map_partitions(
            _run_bundle, [DoFnSignature(transform.fn), handler], invoker_kwargs, receivers)


def _tagged(item, tag):
    return isinstance(item, beam.pvalue.TaggedOutput) and item.tag == tag


def _untag(item):
    return item.value


def _untagged(item):
    return not isinstance(item, beam.pvalue.TaggedOutput)


class _Read(dask_ops.DaskBagOp):
    """A bounded source's records (``Read``, which Beam's Dask overrides make a leaf and its
    translations leave out): the source split into bundles here, each bundle read by a task."""

    BUNDLE_BYTES = 64 << 20

    def apply(self, input_bag=None, side_inputs=None):
        from dask import bag as db  # pylint: disable=g-import-not-at-top
        bundles = [b.source for b in self.transform.source.split(desired_bundle_size=self.BUNDLE_BYTES)]
        return db.from_sequence(bundles, partition_size=1).map(_read_all).flatten()


def _read_all(source) -> list:
    return list(source.read(source.get_range_tracker(None, None)))


def _length(partition) -> list[int]:
    return [sum(1 for _ in partition)]


_OPS = {**dask_ops.TRANSLATIONS, beam.ParDo: _ParDo, dask_overrides_module._Read: _Read}  # pylint: disable=protected-access


class _Graph(PipelineVisitor):
    """The pipeline as Dask bags, one per transform."""

    def __init__(self, client, bag_kwargs: dict, side_producers: set):
        self.client, self.bag_kwargs, self.side_producers = client, bag_kwargs, side_producers
        self.bags = {}

    def _read(self, value):
        """The bag of ``value``'s elements: its producer's, less other tags' elements."""
        producer = value.producer
        bag = self.bags[producer]
        extra_tags = getattr(producer.transform, "output_tags", set())
        if not extra_tags:
            return bag
        if value.tag in extra_tags:
            return bag.filter(functools.partial(_tagged, tag=value.tag)).map(_untag)
        return bag.filter(_untagged)

    def visit_transform(self, node) -> None:
        op = _OPS.get(node.transform.__class__, dask_ops.NoOp)(node, bag_kwargs=self.bag_kwargs)
        inputs = [self._read(v) for v in node.inputs if not isinstance(v, pvalue.PBegin) and v.producer in self.bags]
        if isinstance(op, dask_ops.Flatten):
            input_bag = inputs
        else:
            input_bag = inputs[0] if inputs else None
        side_inputs = [SideInputMap(type(si), si._view_options(),  # pylint: disable=protected-access
                                    dask_ops.DaskBagWindowedIterator(self._read(si.pvalue),
                                                                     si._window_mapping_fn))  # pylint: disable=protected-access
                       for si in node.side_inputs] or None
        bag = op.apply(input_bag=input_bag, side_inputs=side_inputs)
        if node in self.side_producers:
            bag = self.client.persist(bag)
        self.bags[node] = bag


class _Result(dask_runner.DaskRunnerResult):
    """Holds the persisted side inputs (the scheduler forgets a result no client holds) and
    closes the client once the pipeline has finished or failed."""

    def __init__(self, client, futures, persisted):
        super().__init__(client, futures)
        self.persisted = persisted

    def wait_until_finish(self, duration=None) -> str:
        try:
            return super().wait_until_finish(duration)
        finally:
            self.persisted = None
            self.client.close()


class DaskRunner(dask_runner.DaskRunner):
    """Runs every branch of the pipeline, each side input's producer once, every bundle's
    ``finish_bundle`` outputs and each tagged output apart."""

    def run_pipeline(self, pipeline, options):
        import dask  # pylint: disable=g-import-not-at-top
        from dask import distributed  # pylint: disable=g-import-not-at-top

        dask_options = options.view_as(dask_runner.DaskOptions).get_all_options(drop_default=True,
                                                                                current_only=True)
        bag_kwargs = dask_runner.DaskOptions._extract_bag_kwargs(dask_options)  # pylint: disable=protected-access
        client = distributed.Client(**dask_options)
        pipeline.replace_all(dask_overrides())
        consumers = _Consumers()
        pipeline.visit(consumers)
        graph = _Graph(client, bag_kwargs, consumers.side)
        pipeline.visit(graph)
        leaves = [bag.map_partitions(_length) for node, bag in graph.bags.items() if node not in consumers.consumed]
        futures = client.compute(list(dask.optimize(*leaves)))
        return _Result(client, futures, [graph.bags[node] for node in consumers.side if node in graph.bags])
