/**
 * A stream converter as a small state machine: `start` makes the state,
 * `step` consumes one input and returns the outputs it produces, `finish`
 * returns what is left when the input ends. Machines are pure apart from
 * mutating their own state, so tests drive them without any stream.
 */
export interface StreamMachine<State, Input, Output> {
  start(): State;
  step(state: State, input: Input): Output[];
  finish?(state: State): Output[];
}

/** Runs a machine as a TransformStream. */
export function machineTransform<State, Input, Output>(
  machine: StreamMachine<State, Input, Output>,
): TransformStream<Input, Output> {
  const state = machine.start();
  return new TransformStream({
    transform(input, controller) {
      for (const output of machine.step(state, input)) controller.enqueue(output);
    },
    flush(controller) {
      if (!machine.finish) return;
      for (const output of machine.finish(state)) controller.enqueue(output);
    },
  });
}

/** Runs a machine over a whole array: what tests use. */
export function runMachine<State, Input, Output>(
  machine: StreamMachine<State, Input, Output>,
  inputs: Iterable<Input>,
): Output[] {
  const state = machine.start();
  const outputs: Output[] = [];
  for (const input of inputs) outputs.push(...machine.step(state, input));
  if (machine.finish) outputs.push(...machine.finish(state));
  return outputs;
}
