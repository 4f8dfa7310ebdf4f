// Types of scripts/software-vulkan.mjs for the TypeScript that imports it (the bench).
export const SWIFTSHADER_ICD: string
export function softwareVulkanEnv(env?: NodeJS.ProcessEnv): { vars: Record<string, string>; note: string; dir: string | null }
export function probeWebGpuAdapter(env?: NodeJS.ProcessEnv): { ok: boolean; detail: string }
export function setup(): () => void
