;; MaxPoolGrad for non-overlapping windows (stride = window), NHWC float32, in WebAssembly SIMD,
;; run on the wasm backend's own memory (imported). Compiled by `gen-simd-modules.mjs` beside this
;; file into simd-modules.ts; the TS side passes byte addresses of the tensors' data.
;;
;; Semantics are the cpu backend's (`maxPoolPositions`): within each window, scanned in row-major
;; order, the first value strictly greater than the running maximum (which starts at -inf) wins,
;; so NaN and -inf never win and a window of only those passes no gradient. Positions outside
;; the input (padding) are skipped. Four channels at a time (channels are contiguous in NHWC),
;; then one at a time for the rest. dx is zeroed first, then each window writes dy at its winner
;; and 0 elsewhere (windows do not overlap, so no position is written twice).
(module
  (import "env" "memory" (memory 1))
  (func (export "maxPoolGradTiled")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $batch i32) (param $height i32) (param $width i32) (param $channels i32)
    (param $outH i32) (param $outW i32) (param $kh i32) (param $kw i32)
    (param $padTop i32) (param $padLeft i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $c i32)
    (local $y i32) (local $xx i32)
    (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32)
    (local $idx i32) (local $dyIdx i32) (local $at i32)
    (local $best v128) (local $atv v128) (local $v v128) (local $gt v128) (local $g v128)
    (local $bestS f32) (local $vs f32)
    ;; dx = 0
    (memory.fill (local.get $dx) (i32.const 0)
      (i32.shl
        (i32.mul (i32.mul (local.get $batch) (local.get $height))
                 (i32.mul (local.get $width) (local.get $channels)))
        (i32.const 2)))
    (local.set $dyIdx (i32.const 0))
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $oy (i32.const 0))
      (block $oyDone (loop $oyLoop
        (br_if $oyDone (i32.ge_s (local.get $oy) (local.get $outH)))
        ;; window rows y0 .. y1 (exclusive), clipped to the input
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $kh)) (local.get $padTop)))
        (local.set $y1 (i32.add (local.get $y0) (local.get $kh)))
        (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
        (if (i32.gt_s (local.get $y1) (local.get $height)) (then (local.set $y1 (local.get $height))))
        (local.set $ox (i32.const 0))
        (block $oxDone (loop $oxLoop
          (br_if $oxDone (i32.ge_s (local.get $ox) (local.get $outW)))
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $kw)) (local.get $padLeft)))
          (local.set $x1 (i32.add (local.get $x0) (local.get $kw)))
          (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
          (if (i32.gt_s (local.get $x1) (local.get $width)) (then (local.set $x1 (local.get $width))))
          ;; four channels at a time
          (local.set $c (i32.const 0))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.gt_s (i32.add (local.get $c) (i32.const 4)) (local.get $channels)))
            (local.set $best (f32x4.splat (f32.const -inf)))
            (local.set $atv (i32x4.splat (i32.const -1)))
            (local.set $y (local.get $y0))
            (block $yDone (loop $yLoop
              (br_if $yDone (i32.ge_s (local.get $y) (local.get $y1)))
              (local.set $xx (local.get $x0))
              (block $xDone (loop $xLoop
                (br_if $xDone (i32.ge_s (local.get $xx) (local.get $x1)))
                (local.set $idx
                  (i32.add
                    (i32.mul
                      (i32.add
                        (i32.mul (i32.add (i32.mul (local.get $b) (local.get $height)) (local.get $y)) (local.get $width))
                        (local.get $xx))
                      (local.get $channels))
                    (local.get $c)))
                (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $idx) (i32.const 2)))))
                (local.set $gt (f32x4.gt (local.get $v) (local.get $best)))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $gt)))
                (local.set $atv
                  (v128.bitselect
                    (i32x4.add (i32x4.splat (local.get $idx)) (v128.const i32x4 0 1 2 3))
                    (local.get $atv)
                    (local.get $gt)))
                (local.set $xx (i32.add (local.get $xx) (i32.const 1)))
                (br $xLoop)))
              (local.set $y (i32.add (local.get $y) (i32.const 1)))
              (br $yLoop)))
            ;; write dy at each lane's winner, 0 at the window's other positions
            (local.set $g (v128.load (i32.add (local.get $dy) (i32.shl (i32.add (local.get $dyIdx) (local.get $c)) (i32.const 2)))))
            (local.set $y (local.get $y0))
            (block $wyDone (loop $wyLoop
              (br_if $wyDone (i32.ge_s (local.get $y) (local.get $y1)))
              (local.set $xx (local.get $x0))
              (block $wxDone (loop $wxLoop
                (br_if $wxDone (i32.ge_s (local.get $xx) (local.get $x1)))
                (local.set $idx
                  (i32.add
                    (i32.mul
                      (i32.add
                        (i32.mul (i32.add (i32.mul (local.get $b) (local.get $height)) (local.get $y)) (local.get $width))
                        (local.get $xx))
                      (local.get $channels))
                    (local.get $c)))
                (v128.store
                  (i32.add (local.get $dx) (i32.shl (local.get $idx) (i32.const 2)))
                  (v128.and
                    (local.get $g)
                    (i32x4.eq (local.get $atv) (i32x4.add (i32x4.splat (local.get $idx)) (v128.const i32x4 0 1 2 3)))))
                (local.set $xx (i32.add (local.get $xx) (i32.const 1)))
                (br $wxLoop)))
              (local.set $y (i32.add (local.get $y) (i32.const 1)))
              (br $wyLoop)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $cLoop)))
          ;; the remaining channels one at a time
          (block $sDone (loop $sLoop
            (br_if $sDone (i32.ge_s (local.get $c) (local.get $channels)))
            (local.set $bestS (f32.const -inf))
            (local.set $at (i32.const -1))
            (local.set $y (local.get $y0))
            (block $syDone (loop $syLoop
              (br_if $syDone (i32.ge_s (local.get $y) (local.get $y1)))
              (local.set $xx (local.get $x0))
              (block $sxDone (loop $sxLoop
                (br_if $sxDone (i32.ge_s (local.get $xx) (local.get $x1)))
                (local.set $idx
                  (i32.add
                    (i32.mul
                      (i32.add
                        (i32.mul (i32.add (i32.mul (local.get $b) (local.get $height)) (local.get $y)) (local.get $width))
                        (local.get $xx))
                      (local.get $channels))
                    (local.get $c)))
                (local.set $vs (f32.load (i32.add (local.get $x) (i32.shl (local.get $idx) (i32.const 2)))))
                (if (f32.gt (local.get $vs) (local.get $bestS))
                  (then
                    (local.set $bestS (local.get $vs))
                    (local.set $at (local.get $idx))))
                (local.set $xx (i32.add (local.get $xx) (i32.const 1)))
                (br $sxLoop)))
              (local.set $y (i32.add (local.get $y) (i32.const 1)))
              (br $syLoop)))
            (if (i32.ge_s (local.get $at) (i32.const 0))
              (then
                (f32.store
                  (i32.add (local.get $dx) (i32.shl (local.get $at) (i32.const 2)))
                  (f32.load (i32.add (local.get $dy) (i32.shl (i32.add (local.get $dyIdx) (local.get $c)) (i32.const 2)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $sLoop)))
          (local.set $dyIdx (i32.add (local.get $dyIdx) (local.get $channels)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxLoop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))
  )
)
