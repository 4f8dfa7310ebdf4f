;; The two depthwise-conv gradients for a channel multiplier of 1 (MobileNetV2's), NHWC float32,
;; in WebAssembly SIMD, run on the wasm backend's own memory (imported). Compiled by
;; `gen-simd-modules.mjs` beside this file into simd-modules.ts; the TS side (depthwise-backprop.ts)
;; passes byte addresses of the tensors' data.
;;
;; One function for both, as they share every loop: for each output position (b, oy, ox) and each
;; filter tap (i, j) inside the image, with channels innermost (contiguous in x, dy, dx and in the
;; HWC1 filter), four at a time then one at a time:
;;   mode 0 (filter): out = dW, a = x:  dW[i, j, c] += x[b, y, x, c] · dy[b, oy, ox, c]
;;   mode 1 (input):  out = dx, a = W:  dx[b, y, x, c] += W[i, j, c] · dy[b, oy, ox, c]
;; with y = oy·sh − padTop + i·dh, x = ox·sw − padLeft + j·dw. `out` is zeroed first (outSize floats).
(module
  (import "env" "memory" (memory 1))
  (func (export "depthwiseGrad")
    (param $mode i32) (param $a i32) (param $dy i32) (param $out i32) (param $outSize i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $C i32)
    (param $outH i32) (param $outW i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32)
    (param $padTop i32) (param $padLeft i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $i i32) (local $j i32)
    (local $y i32) (local $x i32) (local $k i32) (local $vecBytes i32) (local $rowBytes i32)
    (local $dyAt i32) (local $xAt i32) (local $tapAt i32) (local $outAt i32) (local $aAt i32)
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (local.get $outSize) (i32.const 2)))
    ;; bytes of the channels done four at a time, and of all channels
    (local.set $vecBytes (i32.shl (i32.and (local.get $C) (i32.const -4)) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $dyAt (local.get $dy))
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $oy (i32.const 0))
      (block $oyDone (loop $oyLoop
        (br_if $oyDone (i32.ge_s (local.get $oy) (local.get $outH)))
        (local.set $ox (i32.const 0))
        (block $oxDone (loop $oxLoop
          (br_if $oxDone (i32.ge_s (local.get $ox) (local.get $outW)))
          (local.set $i (i32.const 0))
          (block $iDone (loop $iLoop
            (br_if $iDone (i32.ge_s (local.get $i) (local.get $kh)))
            (local.set $y
              (i32.add
                (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $padTop))
                (i32.mul (local.get $i) (local.get $dh))))
            (if (i32.and (i32.ge_s (local.get $y) (i32.const 0)) (i32.lt_s (local.get $y) (local.get $inH)))
              (then
                (local.set $j (i32.const 0))
                (block $jDone (loop $jLoop
                  (br_if $jDone (i32.ge_s (local.get $j) (local.get $kw)))
                  (local.set $x
                    (i32.add
                      (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $padLeft))
                      (i32.mul (local.get $j) (local.get $dw))))
                  (if (i32.and (i32.ge_s (local.get $x) (i32.const 0)) (i32.lt_s (local.get $x) (local.get $inW)))
                    (then
                      (local.set $xAt
                        (i32.mul
                          (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $y)) (local.get $inW)) (local.get $x))
                          (local.get $rowBytes)))
                      (local.set $tapAt
                        (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j)) (local.get $rowBytes)))
                      (if (i32.eqz (local.get $mode))
                        (then
                          (local.set $outAt (i32.add (local.get $out) (local.get $tapAt)))
                          (local.set $aAt (i32.add (local.get $a) (local.get $xAt))))
                        (else
                          (local.set $outAt (i32.add (local.get $out) (local.get $xAt)))
                          (local.set $aAt (i32.add (local.get $a) (local.get $tapAt)))))
                      ;; four channels at a time
                      (local.set $k (i32.const 0))
                      (block $vDone (loop $vLoop
                        (br_if $vDone (i32.ge_s (local.get $k) (local.get $vecBytes)))
                        (v128.store
                          (i32.add (local.get $outAt) (local.get $k))
                          (f32x4.add
                            (v128.load (i32.add (local.get $outAt) (local.get $k)))
                            (f32x4.mul
                              (v128.load (i32.add (local.get $aAt) (local.get $k)))
                              (v128.load (i32.add (local.get $dyAt) (local.get $k))))))
                        (local.set $k (i32.add (local.get $k) (i32.const 16)))
                        (br $vLoop)))
                      ;; the remaining channels one at a time
                      (block $sDone (loop $sLoop
                        (br_if $sDone (i32.ge_s (local.get $k) (local.get $rowBytes)))
                        (f32.store
                          (i32.add (local.get $outAt) (local.get $k))
                          (f32.add
                            (f32.load (i32.add (local.get $outAt) (local.get $k)))
                            (f32.mul
                              (f32.load (i32.add (local.get $aAt) (local.get $k)))
                              (f32.load (i32.add (local.get $dyAt) (local.get $k))))))
                        (local.set $k (i32.add (local.get $k) (i32.const 4)))
                        (br $sLoop)))))
                  (local.set $j (i32.add (local.get $j) (i32.const 1)))
                  (br $jLoop)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iLoop)))
          (local.set $dyAt (i32.add (local.get $dyAt) (local.get $rowBytes)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $oxLoop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $oyLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))
  )
)
