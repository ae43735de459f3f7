// File: upload one or more files, or offer files the app returned for download.

import { FileBase } from "./_shared/filebase.js";

export default class File_ extends FileBase {
  static tag = "mountui-file";
}
