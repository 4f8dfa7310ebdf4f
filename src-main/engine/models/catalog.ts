import type { ModelArchInfo } from '../../../src-shared/types'

/** The architectures a ModelSpec can name, classifiers then detectors (the System page lists these). No TensorFlow here. */
export function listModelArchs(): ModelArchInfo[] {
  return [
    {
      arch: 'mlp',
      description:
        'Multilayer perceptron on the flattened input: hidden sizes (e.g. [800, 800]), activation, ' +
        'dropout after each hidden layer and on the input (Hinton 2015: 0.5 / 0.2).',
    },
    {
      arch: 'lenet5',
      description:
        'LeNet-5 (LeCun 1998): conv 5×5 (same) → max-pool 2 → conv 5×5 → max-pool 2 → dense → dense, ReLU; ' +
        'filters [6, 16] and dense [120, 84] by default (61,706 parameters on 28×28×1, 10 classes).',
    },
    {
      arch: 'custom',
      description:
        'Your own list of layers (dense, conv2d, maxPool2d, avgPool2d, flatten, dropout, batchNorm); a ' +
        'flatten is added before the first dense layer on images, and a linear output layer of numClasses ' +
        'units (logits) is appended unless the list already ends with one.',
    },
    {
      arch: 'resnet',
      description:
        'CIFAR-style ResNet-(6n+2) (He et al. 2016 §4.2): conv 3×3 stem, three stages of n basic blocks ' +
        '(conv 3×3 → batch norm → ReLU twice, residual Add) at widths [16, 32, 64], stride 2 and 1×1 ' +
        'projection shortcuts at stage changes, global average pooling, dense logits; depth 8, 20, 32, 56 ' +
        '(ResNet-20 ≈ 0.27 M, ResNet-56 ≈ 0.85 M parameters).',
    },
    {
      arch: 'vgg',
      description:
        'VGG-11 or VGG-16 (depth) with batch norm after every conv 3×3 and 2×2 max pooling, global average ' +
        'pooling and a small head (head, default [512] units); widthMultiplier scales every width.',
    },
    {
      arch: 'mobilenetv2',
      description:
        'MobileNetV2 (Sandler et al. 2018) with CIFAR strides: inverted residual blocks (1×1 expand by ' +
        '`expansion`, depthwise 3×3, linear 1×1 project, Add where shapes match), ReLU6, widthMultiplier ' +
        '(widths rounded to multiples of 8), a last 1×1 conv of lastChannels, global average pooling.',
    },
    {
      arch: 'tinyYolo',
      description:
        'Detector (shapes, voc datasets; methods detect, detect-distill): Tiny-YOLO-style conv 3×3 + ' +
        'max-pool 2 blocks (filters, default [16, 32, 64]), conv 3×3 grid blocks (gridFilters, default ' +
        '[128, 128]), batch norm, and a YOLO head of `anchors` priors per cell (k-means on the training boxes).',
    },
    {
      arch: 'denseStackedStudent',
      description:
        'Detector student, deep and narrow, with dense feature-map stacking (Mehta & Ozturk 2018): conv 3×3 + ' +
        'max-pool blocks (filters, default [8, 16, 32]), [1×1, 3×3] conv pairs at grid resolution (gridBlocks); ' +
        'the maps of chosen blocks (stackFrom, default the last two) go through a 1×1 bottleneck and ' +
        'space-to-depth, are stacked with the last features and fused by a 3×3 conv (fuseFilters); YOLO head.',
    },
  ]
}
