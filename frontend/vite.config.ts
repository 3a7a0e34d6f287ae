/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { VitePWA } from "vite-plugin-pwa";

// `npm run dev` proxies the API to the local gateway (PARLO_GATEWAY_PORT,
// default 3000); `make dev` serves the built app from the gateway itself.
const gateway = `http://127.0.0.1:${process.env.PARLO_GATEWAY_PORT ?? "3000"}`;

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
  ],
  server: { proxy: { "/api": gateway } },
  preview: { proxy: { "/api": gateway } },
  build: { target: "es2022", sourcemap: false },
  test: { include: ["tests/unit/**/*.test.{ts,tsx}"], environment: "node" },
});
