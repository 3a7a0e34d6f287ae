import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter } from "react-router-dom";
import { App } from "./App";
import { ApiError, setApiReachable } from "./api/client";
import "./styles.css";

const queryClient = new QueryClient({
  // A failed fetch (no answer, or the gateway's 502/503/504) means Parlo is
  // out of reach: the app says so once, at the top, until an answer comes.
  queryCache: new QueryCache({
    onError: (e) => setApiReachable(e instanceof ApiError && e.status < 502),
    onSuccess: () => setApiReachable(true),
  }),
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // An API answer (4xx) will not change on retry; the network might.
      retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
      refetchOnWindowFocus: true,
    },
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
