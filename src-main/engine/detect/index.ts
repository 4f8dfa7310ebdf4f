/**
 * Object detection (DESIGN §4 `detect`, METHODS D5): YOLO-style head, targets and loss, box
 * decoding, NMS, FM-NMS, VOC AP/mAP, the Tiny-YOLO teacher and the dense-stacked student of
 * Mehta & Ozturk with their distillation loss, and the detector training loop. Importing this
 * module registers the SpaceToDepth layer, so saved students load with `loadModel`.
 */
export type { Box } from './box'
export { boxArea, clipBox, iou } from './box'
export type {
  BrokenFilePolicy,
  DataWarning,
  DetectionDataset,
  DetectionObject,
  DetectionSplit,
  ImageSplit,
} from './detection-dataset'
export { imageAt, objectCounts } from './detection-dataset'
export type { YoloHead } from './yolo-head'
export { checkHead, headChannels, kMeansAnchors, shapeIou } from './yolo-head'
export type { YoloTargets } from './yolo-targets'
export { buildTargets } from './yolo-targets'
export type { YoloOutputParts } from './yolo-output'
export { boxCorners, decodeOutput, splitOutput } from './yolo-output'
export type { DetectionLoss, ResolvedYoloLoss, TargetTensors, YoloLossOptions } from './yolo-loss'
export { resolveYoloLoss, targetTensors, yoloLoss } from './yolo-loss'
export type { FmNmsResult } from './fm-nms'
export { fmNms } from './fm-nms'
export type { DetectorDistillOptions, TeacherTargets } from './mehta-ozturk-loss'
export { mehtaOzturkLoss, resolveDistill, teacherTargets } from './mehta-ozturk-loss'
export type { Detection } from './nms'
export { classwiseNms, nonMaxSuppression } from './nms'
export type { DecodeOptions } from './detections'
export { detect, detectionsFromArrays, detectionsFromOutput } from './detections'
export type { ApMethod, ApOptions, ClassCurve, MeanAveragePrecision } from './voc-ap'
export { averagePrecision, averagePrecisionOfCurve, classCurve, meanAveragePrecision } from './voc-ap'
export type { SpaceToDepthArgs } from './space-to-depth'
export { SpaceToDepth, spaceToDepth, spaceToDepthLayer } from './space-to-depth'
export type { TinyYoloOptions } from './tiny-yolo'
export { buildTinyYolo } from './tiny-yolo'
export type { DenseStackedStudentOptions } from './dense-stacked-student'
export { buildDenseStackedStudent } from './dense-stacked-student'
export type { DetectorEvaluation } from './evaluate-detector'
export { evaluateDetector } from './evaluate-detector'
export type { DetectorTraining, TrainDetectorOptions, TrainDetectorResult } from './train-detector'
export { evaluationMetrics, trainDetector } from './train-detector'
export type { PreviewOptions } from './preview'
export { CLASS_COLOURS, previewPixels, previewPng } from './preview'
