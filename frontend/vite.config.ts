/// <reference types="vitest/config" />
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { VitePWA } from "vite-plugin-pwa";

// `npm run dev` proxies the API to the local gateway (PARLO_GATEWAY_PORT,
// default 3000); `make dev` serves the built app from the gateway itself.
const gateway = `http://127.0.0.1:${process.env.PARLO_GATEWAY_PORT ?? "3000"}`;

/**
 * A `.gz` twin of every text file of the build, which the local gateway
 * serves to browsers that accept gzip (CloudFront compresses on its own in
 * AWS), so local measurements see what users get.
 */
function gzipTwins(): Plugin {
  let outDir = "dist";
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  return {
    name: "parlo-gzip-twins",
    apply: "build",
    enforce: "post",
    configResolved(c) {
      outDir = join(c.root, c.build.outDir);
    },
    closeBundle: {
      order: "post",
      sequential: true,
      handler() {
        for (const file of walk(outDir)) {
          if (!/\.(js|mjs|css|html|svg|json|webmanifest|txt)$/.test(file)) continue;
          const raw = readFileSync(file);
          const gz = gzipSync(raw, { level: 9 });
          if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz);
        }
      },
    },
  };
}

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: "script-defer",
      includeAssets: ["icon.svg"],
      manifest: {
        name: "Parlo — tu agenda",
        short_name: "Parlo",
        description: "La agenda de tu negocio: citas, equipo y conversaciones de WhatsApp.",
        lang: "es-MX",
        start_url: "/agenda",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#0f766e",
        icons: [
          { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any maskable" },
        ],
      },
      workbox: {
        // The app shell only: the API is never cached (it is live data).
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api\//, /^\/webhooks\//],
        globPatterns: ["**/*.{js,css,html,svg,png,webmanifest}"],
      },
    }),
    gzipTwins(),
  ],
  server: { proxy: { "/api": gateway } },
  preview: { proxy: { "/api": gateway } },
  build: { target: "es2022", sourcemap: false },
  test: { include: ["tests/unit/**/*.test.{ts,tsx}"], environment: "node" },
});
