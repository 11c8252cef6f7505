/**
 * The area under the ROC curve: the chance that a randomly drawn positive scores above a randomly
 * drawn negative, ties counting half (the Mann-Whitney U statistic over positives × negatives).
 * Computed by ranking once, so a held-out split of a hundred thousand leads costs a sort.
 */

/**
 * AUC of `scores` for the 0/1 `labels` beside them; null when either class is missing (no answer
 * exists, and 0.5 would pretend one does).
 *
 * @example auc([0.9, 0.2, 0.6, 0.1], [1, 0, 1, 0]) // 1
 * @example auc([5, 5], [1, 0]) // 0.5 (a tie counts half)
 */
export function auc(scores: readonly number[], labels: readonly number[]): number | null {
  const order = scores.map((s, i) => [s, labels[i]! ? 1 : 0] as const).sort((a, b) => a[0] - b[0]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    // One run of tied scores shares the mean of the ranks it spans (1-based).
    let j = i;
    while (j < order.length && order[j]![0] === order[i]![0]) j++;
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (order[k]![1] === 1) {
        positives++;
        rankSum += meanRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
