import { Controller, Get, Header, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, register } from 'prom-client';

let defaultsCollected = false;

@ApiExcludeController()
@Controller('metrics')
class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}

/** Prometheus text on /metrics: the process metrics and whatever the app registers. */
@Module({ controllers: [MetricsController] })
export class MetricsModule {
  constructor() {
    if (!defaultsCollected) {
      collectDefaultMetrics();
      defaultsCollected = true;
    }
  }
}
