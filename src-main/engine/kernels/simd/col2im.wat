;; col2im for the input gradient of a 2-D convolution (NHWC, float32), in WebAssembly SIMD, on the
;; wasm backend's memory. `cols` holds, for every output position n = (b, y, x) of the forward conv,
;; the row cols[n, (i, j, c)] = Σ_o dy[n, o] · W[i, j, c, o] (one matrix product, done before);
;; each row is added back where the forward conv read it:
;;   dx[b, y·sh + i − padTop, x·sw + j − padLeft, c] += cols[n, (i, j, c)],
;; skipping positions outside the input (padding). dx is zeroed first. Channels four at a time,
;; then one at a time.
(module
  (import "env" "memory" (memory 1))
  (func (export "col2im")
    (param $cols i32) (param $dx i32)
    (param $batch i32) (param $outH i32) (param $outW i32)
    (param $kh i32) (param $kw i32) (param $channels i32)
    (param $inH i32) (param $inW i32)
    (param $sh i32) (param $sw i32) (param $padTop i32) (param $padLeft i32)
    (local $b i32) (local $y i32) (local $x i32) (local $i i32) (local $j i32) (local $c i32)
    (local $yy i32) (local $xx i32)
    (local $src i32) (local $dst i32) (local $end i32)
    ;; dx = 0
    (memory.fill (local.get $dx) (i32.const 0)
      (i32.shl
        (i32.mul (i32.mul (local.get $batch) (local.get $inH))
                 (i32.mul (local.get $inW) (local.get $channels)))
        (i32.const 2)))
    (local.set $src (local.get $cols))
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $y (i32.const 0))
      (block $yDone (loop $yLoop
        (br_if $yDone (i32.ge_s (local.get $y) (local.get $outH)))
        (local.set $x (i32.const 0))
        (block $xDone (loop $xLoop
          (br_if $xDone (i32.ge_s (local.get $x) (local.get $outW)))
          (local.set $i (i32.const 0))
          (block $iDone (loop $iLoop
            (br_if $iDone (i32.ge_s (local.get $i) (local.get $kh)))
            (local.set $yy (i32.sub (i32.add (i32.mul (local.get $y) (local.get $sh)) (local.get $i)) (local.get $padTop)))
            (local.set $j (i32.const 0))
            (block $jDone (loop $jLoop
              (br_if $jDone (i32.ge_s (local.get $j) (local.get $kw)))
              (local.set $xx (i32.sub (i32.add (i32.mul (local.get $x) (local.get $sw)) (local.get $j)) (local.get $padLeft)))
              (if (i32.and
                    (i32.and (i32.ge_s (local.get $yy) (i32.const 0)) (i32.lt_s (local.get $yy) (local.get $inH)))
                    (i32.and (i32.ge_s (local.get $xx) (i32.const 0)) (i32.lt_s (local.get $xx) (local.get $inW))))
                (then
                  (local.set $dst
                    (i32.add (local.get $dx)
                      (i32.shl
                        (i32.mul
                          (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $yy)) (local.get $inW)) (local.get $xx))
                          (local.get $channels))
                        (i32.const 2))))
                  (local.set $c (i32.const 0))
                  (local.set $end (i32.sub (local.get $channels) (i32.const 3)))
                  (block $cDone (loop $cLoop
                    (br_if $cDone (i32.ge_s (local.get $c) (local.get $end)))
                    (v128.store
                      (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2)))
                      (f32x4.add
                        (v128.load (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2))))
                        (v128.load (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 2))))))
                    (local.set $c (i32.add (local.get $c) (i32.const 4)))
                    (br $cLoop)))
                  (block $sDone (loop $sLoop
                    (br_if $sDone (i32.ge_s (local.get $c) (local.get $channels)))
                    (f32.store
                      (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2)))
                      (f32.add
                        (f32.load (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2))))
                        (f32.load (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 2))))))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $sLoop)))))
              ;; the next (i, j, ·) block of this row of cols
              (local.set $src (i32.add (local.get $src) (i32.shl (local.get $channels) (i32.const 2))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $jLoop)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iLoop)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $xLoop)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))
  )
)
