import { expect, test } from "bun:test";
import { Collected, Counter, Histogram, Registry, escapeLabelValue } from "./registry.ts";

test("counters render HELP, TYPE and one line per label set, in first-seen order", () => {
  const registry = new Registry();
  const counter = registry.register(new Counter("things_total", "Things seen.", ["kind", "place"]));
  counter.inc(["a", "x"]);
  counter.inc(["b", "y"], 3);
  counter.inc(["a", "x"], 2);
  expect(registry.render()).toBe(
    ["# HELP things_total Things seen.", "# TYPE things_total counter", 'things_total{kind="a",place="x"} 3', 'things_total{kind="b",place="y"} 3', ""].join("\n"),
  );
});

test("label values escape backslash, double quote and newline; HELP escapes backslash and newline", () => {
  expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  const registry = new Registry();
  registry.register(new Counter("odd_total", "Back\\slash\nand newline.", ["value"])).inc(['say "hi"\n']);
  expect(registry.render()).toBe(
    ["# HELP odd_total Back\\\\slash\\nand newline.", "# TYPE odd_total counter", 'odd_total{value="say \\"hi\\"\\n"} 1', ""].join("\n"),
  );
});

test("histograms render cumulative buckets with le, +Inf, _sum and _count", () => {
  const registry = new Registry();
  const histogram = registry.register(new Histogram("wait_seconds", "Waits.", ["protocol"], [0.1, 1]));
  histogram.observe(["chat"], 0.05);
  histogram.observe(["chat"], 0.1);
  histogram.observe(["chat"], 0.5);
  histogram.observe(["chat"], 7);
  expect(registry.render()).toBe(
    [
      "# HELP wait_seconds Waits.",
      "# TYPE wait_seconds histogram",
      'wait_seconds_bucket{protocol="chat",le="0.1"} 2',
      'wait_seconds_bucket{protocol="chat",le="1"} 3',
      'wait_seconds_bucket{protocol="chat",le="+Inf"} 4',
      'wait_seconds_sum{protocol="chat"} 7.65',
      'wait_seconds_count{protocol="chat"} 4',
      "",
    ].join("\n"),
  );
});

test("collected gauges are read at render time; without labels there are no braces", () => {
  let depth = 4;
  const registry = new Registry();
  registry.register(new Collected("queue_depth", "Queued.", [], () => [[[], depth]]));
  registry.register(new Collected("cpu_seconds_total", "CPU.", ["mode"], () => [[["user"], 1.5]], "counter"));
  depth = 9;
  expect(registry.render()).toBe(
    ["# HELP queue_depth Queued.", "# TYPE queue_depth gauge", "queue_depth 9", "# HELP cpu_seconds_total CPU.", "# TYPE cpu_seconds_total counter", 'cpu_seconds_total{mode="user"} 1.5', ""].join("\n"),
  );
});
