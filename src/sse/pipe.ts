/**
 * A stream converter as a small state machine: `start` makes the state,
 * `step` consumes one input and returns the outputs it produces, `finish`
 * returns what is left when the input ends. Machines are pure apart from
 * mutating their own state, so tests drive them without any stream; a
 * provider runs one inside raiseSse, a protocol inside the response stream.
 */
export interface StreamMachine<State, Input, Output> {
  start(): State;
  step(state: State, input: Input): Output[];
  finish?(state: State): Output[];
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
