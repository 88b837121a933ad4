// Vite's client types: `import.meta.env.BASE_URL` and friends.
/// <reference types="vite/client" />
