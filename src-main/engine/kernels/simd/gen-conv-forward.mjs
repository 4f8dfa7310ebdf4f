#!/usr/bin/env node
// Writes conv-forward.wat beside this file: a direct 2-D convolution (NHWC output, stride 1 along
// the width) whose cost follows the number of output channels one by one, for the small convs where
// XNNPACK's cost does not (see conv-forward.ts), and the filter gradient of stride-1 convs as dot
// products of whole planes (see conv2d-backprop-filter.ts). The inner blocks are unrolled for each
// number of output channels, hence a generator. Then: node src-main/engine/kernels/simd/gen-simd-modules.mjs
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const MAX_BLOCK = 6
/** Output channels per wide block (two vectors of positions: 2 accumulators per channel). */
const WIDE_BLOCK = 4
const here = dirname(fileURLToPath(import.meta.url))
const range = (n) => Array.from({ length: n }, (_, i) => i)
const get = (name) => `(local.get $${name})`

/**
 * One block of `vectors` × 4 output positions along a row (f32x4 lanes) × n output channels:
 * acc[j][h] = bias_j + Σ_{c, ky, kx} xp[c, y + ky, x + 4h + (0..3) + kx] · w[ky, kx, c, j]; each
 * weight is splat once for all the block's vectors. With one vector, only the first `lanes`
 * positions are stored (the row's tail); with two, all eight are.
 */
function block(n, vectors) {
  const name = `$${vectors === 1 ? 'block' : 'wide'}${n}`
  const accs = range(n).flatMap((j) => range(vectors).map((h) => ({ j, h, name: `$acc${j}_${h}` })))
  const eachAcc = (f) => accs.map((a) => f(a.name)).join('\n      ')
  const store = (h, lane) =>
    accs
      .filter((a) => a.h === h)
      .map(
        (a) =>
          `(v128.store32_lane offset=${4 * a.j} ${lane} (local.get $at) (local.get ${a.name}))`,
      )
      .join(' ')
  // position l of the block: its channels start cout4 bytes after position l − 1's
  const stores = range(4 * vectors).map((l) => {
    const next = l > 0 ? `(local.set $at (i32.add ${get('at')} ${get('cout4')})) ` : ''
    const body = `${next}${store(l >> 2, l & 3)}`
    return vectors === 1 && l > 0
      ? `(if (i32.gt_s ${get('lanes')} (i32.const ${l})) (then ${body}))`
      : body
  })
  return `
  (func ${name}
    (param $src i32) (param $w i32) (param $bias i32) (param $hasBias i32) (param $dst i32)
    (param $lanes i32) (param $cin i32) (param $plane i32) (param $row i32) (param $kh i32)
    (param $kw i32) (param $cout4 i32) (param $act i32) (param $alpha f32)
    ${accs.map((a) => `(local ${a.name} v128)`).join(' ')}
    ${range(vectors)
      .map((h) => `(local $v${h} v128)`)
      .join(' ')}
    (local $s v128) (local $c i32) (local $ky i32) (local $kx i32)
    (local $ip i32) (local $wp i32) (local $tap i32) (local $at i32)
    (if ${get('hasBias')} (then
      ${accs.map((a) => `(local.set ${a.name} (v128.load32_splat offset=${4 * a.j} ${get('bias')}))`).join('\n      ')}))
    (local.set $tap (i32.mul ${get('cin')} ${get('cout4')}))
    (local.set $c (i32.const 0))
    (loop $cLoop
      (local.set $ky (i32.const 0))
      (loop $kyLoop
        (local.set $ip (i32.add ${get('src')} (i32.add (i32.mul ${get('c')} ${get('plane')}) (i32.mul ${get('ky')} ${get('row')}))))
        (local.set $wp (i32.add ${get('w')}
          (i32.mul (i32.add (i32.mul (i32.mul ${get('ky')} ${get('kw')}) ${get('cin')}) ${get('c')}) ${get('cout4')})))
        (local.set $kx ${get('kw')})
        (loop $kxLoop
          ${range(vectors)
            .map((h) => `(local.set $v${h} (v128.load offset=${16 * h} ${get('ip')}))`)
            .join(' ')}
          ${range(n)
            .map(
              (j) =>
                `(local.set $s (v128.load32_splat offset=${4 * j} ${get('wp')}))\n          ` +
                accs
                  .filter((a) => a.j === j)
                  .map(
                    (a) =>
                      `(local.set ${a.name} (f32x4.add (local.get ${a.name}) (f32x4.mul (local.get $v${a.h}) (local.get $s))))`,
                  )
                  .join('\n          '),
            )
            .join('\n          ')}
          (local.set $ip (i32.add ${get('ip')} (i32.const 4)))
          (local.set $wp (i32.add ${get('wp')} ${get('tap')}))
          (local.set $kx (i32.sub ${get('kx')} (i32.const 1)))
          (br_if $kxLoop ${get('kx')}))
        (local.set $ky (i32.add ${get('ky')} (i32.const 1)))
        (br_if $kyLoop (i32.lt_s ${get('ky')} ${get('kh')})))
      (local.set $c (i32.add ${get('c')} (i32.const 1)))
      (br_if $cLoop (i32.lt_s ${get('c')} ${get('cin')})))
    ;; activation: 1 relu, 2 relu6, 3 leaky relu (max(a, alpha·a), 0 ≤ alpha ≤ 1)
    (if (i32.eq ${get('act')} (i32.const 1)) (then
      ${eachAcc((a) => `(local.set ${a} (f32x4.max (local.get ${a}) (v128.const f32x4 0 0 0 0)))`)}))
    (if (i32.eq ${get('act')} (i32.const 2)) (then
      ${eachAcc((a) => `(local.set ${a} (f32x4.min (f32x4.max (local.get ${a}) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 6 6 6 6)))`)}))
    (if (i32.eq ${get('act')} (i32.const 3)) (then
      (local.set $s (f32x4.splat ${get('alpha')}))
      ${eachAcc((a) => `(local.set ${a} (f32x4.max (local.get ${a}) (f32x4.mul (local.get ${a}) (local.get $s))))`)}))
    (local.set $at ${get('dst')})
    ${stores.join('\n    ')}
  )`
}

/** Calls the block function for $nf (1..max) channels: `prefix` names the family. */
const dispatch = (prefix, max) =>
  range(max)
    .map((i) => i + 1)
    .reverse()
    .reduce(
      (inner, n) =>
        `(if (i32.eq ${get('nf')} (i32.const ${n})) (then (call $${prefix}${n} ${get('src')} (i32.add ${get('w')} ${get('f4')}) (i32.add ${get('bias')} ${get('f4')}) ${get('hasBias')} (i32.add ${get('dst')} ${get('f4')}) ${get('lanes')} ${get('cin')} ${get('plane')} ${get('row')} ${get('kh')} ${get('kw')} ${get('cout4')} ${get('act')} ${get('alpha')})) (else ${inner}))`,
      '(unreachable)',
    )

/** Filter-gradient blocks: n filters, the dot products of one shifted input plane with n dy planes. */
const GRAD_BLOCK = 4
function gradBlock(n) {
  const js = range(n)
  return `
  ;; dw[ky, kx, c, f0 + j] = Σ_b Σ_q xp[b, c][q + ky·wp + kx] · dyw[b, f0 + j][q], j < ${n}
  (func $grad${n}
    (param $x i32) (param $d i32) (param $batch i32) (param $xStride i32) (param $dStride i32)
    (param $planeD i32) (param $bytes i32) (param $out i32)
    ${js.map((j) => `(local $acc${j} v128) (local $d${j} i32)`).join(' ')}
    (local $v v128) (local $b i32) (local $o i32)
    (local.set $b (i32.const 0))
    (loop $bLoop
      ${js.map((j) => `(local.set $d${j} (i32.add (i32.add ${get('d')} (i32.mul ${get('b')} ${get('dStride')})) (i32.mul (i32.const ${j}) ${get('planeD')})))`).join('\n      ')}
      (local.set $o (i32.const 0))
      (loop $qLoop
        (local.set $v (v128.load (i32.add (i32.add ${get('x')} (i32.mul ${get('b')} ${get('xStride')})) ${get('o')})))
        ${js.map((j) => `(local.set $acc${j} (f32x4.add (local.get $acc${j}) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $d${j}) ${get('o')})))))`).join('\n        ')}
        (local.set $o (i32.add ${get('o')} (i32.const 16)))
        (br_if $qLoop (i32.lt_s ${get('o')} ${get('bytes')})))
      (local.set $b (i32.add ${get('b')} (i32.const 1)))
      (br_if $bLoop (i32.lt_s ${get('b')} ${get('batch')})))
    ${js
      .map(
        (j) =>
          `(f32.store offset=${4 * j} ${get('out')} (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc${j})) (f32x4.extract_lane 1 (local.get $acc${j}))) (f32.add (f32x4.extract_lane 2 (local.get $acc${j})) (f32x4.extract_lane 3 (local.get $acc${j})))))`,
      )
      .join('\n    ')}
  )`
}

const gradDispatch = range(GRAD_BLOCK)
  .map((i) => i + 1)
  .reverse()
  .reduce(
    (inner, n) =>
      `(if (i32.eq ${get('nf')} (i32.const ${n})) (then (call $grad${n} ${get('xs')} ${get('ds')} ${get('batch')} ${get('xStride')} ${get('dStride')} ${get('planeD')} ${get('bytes')} ${get('dst')})) (else ${inner}))`,
    '(unreachable)',
  )

const wat = `;; Generated by gen-conv-forward.mjs: do not edit.
;; Direct 2-D convolution, float32, in WebAssembly SIMD, on the wasm backend's memory.
;;  padPlanar: x [B, H, W, C] (NHWC) → xp [B, C, H + padTop + padBottom, W + padLeft + padRight]
;;             (zero padding around each channel plane; 4 spare floats after the end).
;;  conv:      out[b, y, x, f] = act(bias[f] + Σ_{c, ky, kx} xp[b, c, y·sh + ky, x + kx] · w[ky, kx, c, f])
;;             with w in HWIO layout [KH, KW, C, F] and out NHWC. Four output positions of a row
;;             are the four lanes of a vector (eight where a row has them: two vectors × up to
;;             ${WIDE_BLOCK} channels), and blocks of up to ${MAX_BLOCK} output channels are summed together,
;;             so the work follows F exactly (no rounding of F up to a tile).
;;  filterGrad: dw[ky, kx, c, f] = Σ_{b, y, x} xp[b, c, y + ky, x + kx] · dy[b, y, x, f], stride 1.
(module
  (import "env" "memory" (memory 1))
  (func (export "padPlanar")
    (param $x i32) (param $xp i32) (param $batch i32) (param $inH i32) (param $inW i32) (param $cin i32)
    (param $hp i32) (param $wp i32) (param $padTop i32) (param $padLeft i32)
    (local $b i32) (local $c i32) (local $y i32) (local $xx i32) (local $src i32) (local $dst i32)
    (memory.fill ${get('xp')} (i32.const 0)
      (i32.shl (i32.add (i32.mul (i32.mul ${get('batch')} ${get('cin')}) (i32.mul ${get('hp')} ${get('wp')})) (i32.const 4)) (i32.const 2)))
    (local.set $src ${get('x')})
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_s ${get('b')} ${get('batch')}))
      (local.set $y (i32.const 0))
      (block $yDone (loop $yLoop
        (br_if $yDone (i32.ge_s ${get('y')} ${get('inH')}))
        (if (i32.eq ${get('cin')} (i32.const 1))
          (then
            ;; one channel: the row is contiguous in both layouts
            (memory.copy
              (i32.add ${get('xp')} (i32.shl (i32.add (i32.mul (i32.add (i32.mul ${get('b')} ${get('hp')}) (i32.add ${get('y')} ${get('padTop')})) ${get('wp')}) ${get('padLeft')}) (i32.const 2)))
              ${get('src')}
              (i32.shl ${get('inW')} (i32.const 2)))
            (local.set $src (i32.add ${get('src')} (i32.shl ${get('inW')} (i32.const 2)))))
          (else
            (local.set $xx (i32.const 0))
            (block $xDone (loop $xLoop
              (br_if $xDone (i32.ge_s ${get('xx')} ${get('inW')}))
              (local.set $c (i32.const 0))
              (block $cDone (loop $cLoop
                (br_if $cDone (i32.ge_s ${get('c')} ${get('cin')}))
                (local.set $dst
                  (i32.add ${get('xp')} (i32.shl
                    (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul ${get('b')} ${get('cin')}) ${get('c')}) ${get('hp')}) (i32.add ${get('y')} ${get('padTop')})) ${get('wp')})
                             (i32.add ${get('xx')} ${get('padLeft')}))
                    (i32.const 2))))
                (f32.store ${get('dst')} (f32.load ${get('src')}))
                (local.set $src (i32.add ${get('src')} (i32.const 4)))
                (local.set $c (i32.add ${get('c')} (i32.const 1)))
                (br $cLoop)))
              (local.set $xx (i32.add ${get('xx')} (i32.const 1)))
              (br $xLoop)))))
        (local.set $y (i32.add ${get('y')} (i32.const 1)))
        (br $yLoop)))
      (local.set $b (i32.add ${get('b')} (i32.const 1)))
      (br $bLoop)))
  )
${range(MAX_BLOCK)
  .map((i) => block(i + 1, 1))
  .join('\n')}
${range(WIDE_BLOCK)
  .map((i) => block(i + 1, 2))
  .join('\n')}

  (func (export "conv")
    (param $xp i32) (param $w i32) (param $bias i32) (param $hasBias i32) (param $out i32)
    (param $batch i32) (param $cin i32) (param $hp i32) (param $wpad i32) (param $outH i32)
    (param $outW i32) (param $cout i32) (param $kh i32) (param $kw i32) (param $sh i32)
    (param $act i32) (param $alpha f32)
    (local $plane i32) (local $row i32) (local $cout4 i32) (local $b i32) (local $y i32) (local $x i32)
    (local $f i32) (local $f4 i32) (local $nf i32) (local $lanes i32) (local $rowSrc i32) (local $src i32)
    (local $dst i32)
    (local.set $row (i32.shl ${get('wpad')} (i32.const 2)))
    (local.set $plane (i32.mul ${get('hp')} ${get('row')}))
    (local.set $cout4 (i32.shl ${get('cout')} (i32.const 2)))
    (local.set $dst ${get('out')})
    (local.set $b (i32.const 0))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_s ${get('b')} ${get('batch')}))
      (local.set $y (i32.const 0))
      (block $yDone (loop $yLoop
        (br_if $yDone (i32.ge_s ${get('y')} ${get('outH')}))
        (local.set $rowSrc (i32.add ${get('xp')}
          (i32.add (i32.mul (i32.mul ${get('b')} ${get('cin')}) ${get('plane')}) (i32.mul (i32.mul ${get('y')} ${get('sh')}) ${get('row')}))))
        (local.set $x (i32.const 0))
        (block $xDone (loop $xLoop
          (br_if $xDone (i32.ge_s ${get('x')} ${get('outW')}))
          (local.set $lanes (i32.sub ${get('outW')} ${get('x')}))
          (local.set $src (i32.add ${get('rowSrc')} (i32.shl ${get('x')} (i32.const 2))))
          (local.set $f (i32.const 0))
          (if (i32.ge_s ${get('lanes')} (i32.const 8))
            (then
              ;; 8 positions at once
              (local.set $lanes (i32.const 8))
              (block $wDone (loop $wLoop
                (br_if $wDone (i32.ge_s ${get('f')} ${get('cout')}))
                (local.set $nf (i32.sub ${get('cout')} ${get('f')}))
                (if (i32.gt_s ${get('nf')} (i32.const ${WIDE_BLOCK})) (then (local.set $nf (i32.const ${WIDE_BLOCK}))))
                (local.set $f4 (i32.shl ${get('f')} (i32.const 2)))
                ${dispatch('wide', WIDE_BLOCK)}
                (local.set $f (i32.add ${get('f')} ${get('nf')}))
                (br $wLoop))))
            (else
              (if (i32.gt_s ${get('lanes')} (i32.const 4)) (then (local.set $lanes (i32.const 4))))
              (block $fDone (loop $fLoop
                (br_if $fDone (i32.ge_s ${get('f')} ${get('cout')}))
                (local.set $nf (i32.sub ${get('cout')} ${get('f')}))
                (if (i32.gt_s ${get('nf')} (i32.const ${MAX_BLOCK})) (then (local.set $nf (i32.const ${MAX_BLOCK}))))
                (local.set $f4 (i32.shl ${get('f')} (i32.const 2)))
                ${dispatch('block', MAX_BLOCK)}
                (local.set $f (i32.add ${get('f')} ${get('nf')}))
                (br $fLoop)))))
          (local.set $dst (i32.add ${get('dst')} (i32.mul ${get('lanes')} ${get('cout4')})))
          (local.set $x (i32.add ${get('x')} ${get('lanes')}))
          (br $xLoop)))
        (local.set $y (i32.add ${get('y')} (i32.const 1)))
        (br $yLoop)))
      (local.set $b (i32.add ${get('b')} (i32.const 1)))
      (br $bLoop)))
  )
${range(GRAD_BLOCK)
  .map((i) => gradBlock(i + 1))
  .join('\n')}

  ;; filterGrad: dw[ky, kx, c, f] = Σ_{b, y, x} xp[b, c, y + ky, x + kx] · dy[b, y, x, f] (stride 1, no
  ;; dilation) with xp from padPlanar and dyw = dy from padPlanar with wp columns per row (zeros
  ;; after the outW real ones) and at least one zero row after each plane: each (c, f, ky, kx) is
  ;; one dot product over the batch's planes, \`bytes\` = ⌈outH·wp / 4⌉·16 per plane.
  (func (export "filterGrad")
    (param $xp i32) (param $dyw i32) (param $dw i32) (param $batch i32) (param $cin i32)
    (param $hpx i32) (param $cout i32) (param $hpd i32) (param $wp i32) (param $kh i32) (param $kw i32)
    (param $bytes i32)
    (local $planeX i32) (local $planeD i32) (local $xStride i32) (local $dStride i32)
    (local $c i32) (local $f i32) (local $nf i32) (local $ky i32) (local $kx i32)
    (local $xs i32) (local $ds i32) (local $dst i32)
    (local.set $planeX (i32.shl (i32.mul ${get('hpx')} ${get('wp')}) (i32.const 2)))
    (local.set $planeD (i32.shl (i32.mul ${get('hpd')} ${get('wp')}) (i32.const 2)))
    (local.set $xStride (i32.mul ${get('cin')} ${get('planeX')}))
    (local.set $dStride (i32.mul ${get('cout')} ${get('planeD')}))
    (local.set $ky (i32.const 0))
    (loop $kyLoop
      (local.set $kx (i32.const 0))
      (loop $kxLoop
        (local.set $c (i32.const 0))
        (loop $cLoop
          (local.set $xs (i32.add (i32.add ${get('xp')} (i32.mul ${get('c')} ${get('planeX')}))
            (i32.shl (i32.add (i32.mul ${get('ky')} ${get('wp')}) ${get('kx')}) (i32.const 2))))
          (local.set $f (i32.const 0))
          (loop $fLoop
            (local.set $nf (i32.sub ${get('cout')} ${get('f')}))
            (if (i32.gt_s ${get('nf')} (i32.const ${GRAD_BLOCK})) (then (local.set $nf (i32.const ${GRAD_BLOCK}))))
            (local.set $ds (i32.add ${get('dyw')} (i32.mul ${get('f')} ${get('planeD')})))
            (local.set $dst (i32.add ${get('dw')} (i32.shl
              (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul ${get('ky')} ${get('kw')}) ${get('kx')}) ${get('cin')}) ${get('c')}) ${get('cout')}) ${get('f')})
              (i32.const 2))))
            ${gradDispatch}
            (local.set $f (i32.add ${get('f')} ${get('nf')}))
            (br_if $fLoop (i32.lt_s ${get('f')} ${get('cout')})))
          (local.set $c (i32.add ${get('c')} (i32.const 1)))
          (br_if $cLoop (i32.lt_s ${get('c')} ${get('cin')})))
        (local.set $kx (i32.add ${get('kx')} (i32.const 1)))
        (br_if $kxLoop (i32.lt_s ${get('kx')} ${get('kw')})))
      (local.set $ky (i32.add ${get('ky')} (i32.const 1)))
      (br_if $kyLoop (i32.lt_s ${get('ky')} ${get('kh')})))
  )

)
`
writeFileSync(join(here, 'conv-forward.wat'), wat)
console.log('wrote conv-forward.wat')
