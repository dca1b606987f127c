/**
 * What identifies this device for the probe cache (probeCache.ts), gathered in the model worker:
 * the browser, its core count, the WebGPU adapter and the WebGL renderer. Browser-only.
 */
import type { DeviceInfo } from './probeCache.ts'

async function webgpuAdapter(): Promise<string> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu
  if (!gpu) return 'none'
  const a = await gpu.requestAdapter()
  if (!a) return 'none'
  const i = a.info
  const fallback =
    (a as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    (i as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true
  return [
    i.vendor,
    i.architecture,
    i.device,
    i.description,
    fallback ? 'fallback' : 'hardware',
  ].join('|')
}

function webglRenderer(): string {
  if (typeof OffscreenCanvas === 'undefined') return 'none'
  const canvas = new OffscreenCanvas(1, 1)
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as
    WebGL2RenderingContext | WebGLRenderingContext | null
  if (!gl) return 'none'
  const ext = gl.getExtension('WEBGL_debug_renderer_info')
  const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER))
  const vendor = String(gl.getParameter(ext ? ext.UNMASKED_VENDOR_WEBGL : gl.VENDOR))
  gl.getExtension('WEBGL_lose_context')?.loseContext()
  return `${vendor}|${renderer}`
}

/** This device's description; parts that cannot be read are 'none' or 'error: …'. */
export async function deviceInfo(): Promise<DeviceInfo> {
  let webgpu: string
  try {
    webgpu = await webgpuAdapter()
  } catch (e) {
    webgpu = `error: ${(e as Error).message}`
  }
  let webgl: string
  try {
    webgl = webglRenderer()
  } catch (e) {
    webgl = `error: ${(e as Error).message}`
  }
  return {
    userAgent: navigator.userAgent,
    cores: navigator.hardwareConcurrency || 0,
    webgpu,
    webgl,
  }
}
