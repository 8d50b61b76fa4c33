import type { Router } from 'express';
import type { HttpContext } from './httpContext';

/** Routes beyond health and Retell functions (webhooks, read model), mounted by `serve`. */
export const allRoutes = (_ctx: HttpContext): Router[] => [];
