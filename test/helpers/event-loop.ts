/**
 * Starts counting turns of this thread's event loop; the function returned stops and says how
 * many. Work done on a worker lets the loop turn meanwhile; the same work done here does not.
 */
export function countTurns(): () => number {
  let turns = 0;
  let counting = true;
  const turn = () => {
    turns++;
    if (counting) setImmediate(turn);
  };
  setImmediate(turn);
  return () => {
    counting = false;
    return turns;
  };
}
