/**
 * @module Published reference series and expected values for the indicator tests. Expected values
 * are as printed by their source (rounded to 2 decimals), so tests compare within half a cent; the
 * StockCharts moving-average table also prints its intermediate sums rounded, so it gets a full cent.
 */

/**
 * StockCharts ChartSchool, "Moving Averages - Simple and Exponential", worked spreadsheet
 * (cs-movavg.xls): 30 closes, 10-day SMA and 10-day EMA (seeded with the SMA of the first 10).
 */
export const stockchartsMovingAverages = {
  source: 'https://school.stockcharts.com/doku.php?id=technical_indicators:moving_averages',
  period: 10,
  closes: [
    22.27, 22.19, 22.08, 22.17, 22.18, 22.13, 22.23, 22.43, 22.24, 22.29, 22.15, 22.39, 22.38, 22.61, 23.36,
    24.05, 23.75, 23.83, 23.95, 23.63, 23.82, 23.87, 23.65, 23.19, 23.1, 23.33, 22.68, 23.1, 22.4, 22.17,
  ],
  /** From index 9. */
  sma: [
    22.22, 22.21, 22.23, 22.26, 22.31, 22.42, 22.61, 22.77, 22.91, 23.08, 23.21, 23.38, 23.53, 23.65, 23.71,
    23.69, 23.61, 23.51, 23.43, 23.28, 23.13,
  ],
  /** From index 9. */
  ema: [
    22.22, 22.21, 22.24, 22.27, 22.33, 22.52, 22.8, 22.97, 23.13, 23.28, 23.34, 23.43, 23.51, 23.54, 23.47,
    23.4, 23.39, 23.26, 23.23, 23.08, 22.92,
  ],
} as const;

/**
 * StockCharts ChartSchool, "Relative Strength Index (RSI)", worked spreadsheet (cs-rsi.xls), the
 * classic Wilder 14-period example.
 */
export const stockchartsRsi = {
  source: 'https://school.stockcharts.com/doku.php?id=technical_indicators:relative_strength_index_rsi',
  period: 14,
  closes: [
    44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931,
    46.0328, 45.614, 46.282, 46.282, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137,
    46.4515, 45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
  ],
  /** From index 14. */
  rsi: [
    70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87,
    45.46, 37.3, 33.08, 37.77,
  ],
} as const;

/** Tulip Indicators test vectors (tests/untest.txt, v0.9.1): ATR(5) and BBANDS(5, 2). */
export const tulip = {
  source: 'https://github.com/TulipCharts/tulipindicators/blob/v0.9.1/tests/untest.txt',
  high: [82.15, 81.89, 83.03, 83.3, 83.85, 83.9, 83.33, 84.3, 84.84, 85.0, 85.9, 86.58, 86.98, 88.0, 87.87],
  low: [
    81.29, 80.64, 81.31, 82.65, 83.07, 83.11, 82.49, 82.3, 84.15, 84.11, 84.03, 85.39, 85.76, 87.17, 87.01,
  ],
  close: [
    81.59, 81.06, 82.87, 83.0, 83.61, 83.15, 82.84, 83.99, 84.55, 84.36, 85.53, 86.54, 86.89, 87.77, 87.29,
  ],
  period: 5,
  /** From index 4. */
  atr: [1.12, 1.05, 1.01, 1.21, 1.14, 1.09, 1.24, 1.23, 1.23, 1.21, 1.14],
  /** From index 4; bands use the population standard deviation. */
  bbLower: [80.53, 80.99, 82.53, 82.47, 82.42, 82.44, 82.51, 83.14, 83.54, 83.87, 85.29],
  bbMiddle: [82.43, 82.74, 83.09, 83.32, 83.63, 83.78, 84.25, 84.99, 85.57, 86.22, 86.8],
  bbUpper: [84.32, 84.49, 83.65, 84.16, 84.84, 85.12, 86.0, 86.85, 87.61, 88.57, 88.32],
} as const;
