import { Module } from '@nestjs/common';
import { CalibrationsController } from './calibrations.controller';
import { CalculerCalibrationHandler, LireCalibrationHandler, LireTableMetiersHandler, ModifierTableMetiersHandler } from './calibrations.handlers';

@Module({
  controllers: [CalibrationsController],
  providers: [CalculerCalibrationHandler, ModifierTableMetiersHandler, LireTableMetiersHandler, LireCalibrationHandler],
})
export class CalibrationsModule {}
