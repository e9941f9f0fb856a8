/**
 * NANP area code → IANA time zone(s), the project's own table, written from the public
 * numbering-plan assignments (NANPA area code maps, CNAC for Canada) as of 2026.
 *
 * An area code whose territory crosses a zone line lists every zone it reaches (e.g. 850:
 * Tallahassee is Eastern, Pensacola Central), so quiet hours can use the most restrictive one.
 * Non-geographic codes (8XX toll free, 5XX, 900, 700) are deliberately absent: no zone is known.
 */
const ET = 'America/New_York';
const CT = 'America/Chicago';
const MT = 'America/Denver';
const AZ = 'America/Phoenix';
const PT = 'America/Los_Angeles';

const GROUPS: ReadonlyArray<readonly [zones: readonly string[], codes: string]> = [
  // United States, Eastern
  [[ET], '203 475 860 959'], // CT
  [[ET], '302'], // DE
  [[ET], '202 771'], // DC
  [[ET], '239 305 321 324 352 386 407 561 645 656 689 727 728 754 772 786 813 863 904 941 954'], // FL
  [[ET], '229 404 470 478 678 706 762 770 912 943'], // GA
  [[ET], '260 317 463 765'], // IN
  [[ET], '502 859'], // KY
  [[ET], '207'], // ME
  [[ET], '227 240 301 410 443 667'], // MD
  [[ET], '339 351 413 508 617 774 781 857 978'], // MA
  [[ET], '231 248 269 313 517 586 616 679 734 810 947 989'], // MI
  [[ET], '603'], // NH
  [[ET], '201 551 609 640 732 848 856 862 908 973'], // NJ
  [[ET], '212 315 329 332 347 363 516 518 585 607 624 631 646 680 716 718 838 845 914 917 929 934'], // NY
  [[ET], '252 336 472 704 743 828 910 919 980 984'], // NC
  [[ET], '216 220 234 283 326 330 380 419 436 440 513 567 614 740 937'], // OH
  [[ET], '215 223 267 272 412 445 484 570 582 610 717 724 814 835 878'], // PA
  [[ET], '401'], // RI
  [[ET], '803 821 839 843 854 864'], // SC
  [[ET], '423 865'], // TN, east
  [[ET], '802'], // VT
  [[ET], '276 434 540 571 686 703 757 804 826 948'], // VA
  [[ET], '304 681'], // WV
  // Codes that straddle the Eastern/Central line
  [[ET, CT], '448 850'], // FL panhandle
  [[ET, CT], '574 812 930'], // IN: Starke County; Evansville corner
  [[ET, CT], '270 364 606'], // KY: Elizabethtown area; Clinton/Wayne counties
  [[ET, CT], '906'], // MI Upper Peninsula, four counties on Central
  // United States, Central
  [[CT], '205 251 256 334 659 938'], // AL
  [[CT], '327 479 501 870'], // AR
  [[CT], '217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861 872'], // IL
  [[CT], '219'], // IN, northwest
  [[CT], '319 515 563 641 712'], // IA
  [[CT], '316 913'], // KS
  [[CT], '225 318 337 457 504 985'], // LA
  [[CT], '218 320 507 612 651 763 924 952'], // MN
  [[CT], '228 601 662 769'], // MS
  [[CT], '235 314 417 557 573 636 660 816'], // MO
  [[CT], '402 531'], // NE, east
  [[CT], '405 539 572 580 918'], // OK
  [[CT], '615 629 731 901 931'], // TN, middle and west
  [
    [CT],
    '210 214 254 281 325 346 361 409 430 469 512 682 713 726 737 806 817 830 832 903 936 940 945 956 972 979',
  ], // TX
  [[CT], '262 274 353 414 534 608 715 920'], // WI
  // Codes that straddle the Central/Mountain line
  [[CT, MT], '620 785'], // KS, western counties
  [[CT, MT], '308'], // NE panhandle
  [[CT, MT], '701'], // ND, southwest
  [[CT, MT], '605'], // SD, west river
  [[CT, MT], '432'], // TX, Culberson/Hudspeth
  // United States, Mountain and Arizona
  [[MT], '303 719 720 970 983'], // CO
  [[MT], '406'], // MT
  [[MT], '505 575'], // NM
  [[MT], '385 435 801'], // UT
  [[MT], '307'], // WY
  [[MT], '915'], // TX, El Paso
  [[MT, PT], '208 986'], // ID, north on Pacific
  [[AZ], '480 520 602 623'], // AZ (no daylight saving time)
  [[AZ, MT], '928'], // AZ north, Navajo Nation keeps daylight saving time
  // United States, Pacific
  [
    [PT],
    '209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 747 760 805 818 820 831 840 858 909 916 925 949 951',
  ], // CA
  [[PT], '206 253 360 425 509 564'], // WA
  [[PT], '702 725 775'], // NV
  [[PT], '503 971'], // OR
  [[PT, MT], '458 541'], // OR, Malheur County on Mountain
  // Alaska, Hawaii and US territories
  [['America/Anchorage', 'America/Adak'], '907'],
  [['Pacific/Honolulu'], '808'],
  [['America/Puerto_Rico'], '787 939'],
  [['America/St_Thomas'], '340'],
  [['Pacific/Guam'], '671'],
  [['Pacific/Saipan'], '670'],
  [['Pacific/Pago_Pago'], '684'],
  // Canada
  [['America/St_Johns', 'America/Goose_Bay'], '709 879'], // NL, Labrador on Atlantic
  [['America/Halifax'], '782 902'], // NS, PE
  [['America/Moncton'], '428 506'], // NB
  [['America/Toronto', 'America/Halifax'], '367 418 581'], // QC east: Magdalen Islands, Blanc-Sablon
  [['America/Toronto'], '263 354 438 450 468 514 579 819 873'], // QC
  [['America/Toronto'], '226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 905 942'], // ON
  [['America/Toronto', 'America/Winnipeg'], '807'], // ON northwest
  [['America/Winnipeg'], '204 431 584'], // MB
  [['America/Regina', 'America/Edmonton'], '306 474 639'], // SK (no DST), Lloydminster on Mountain
  [['America/Edmonton'], '368 403 587 780 825'], // AB
  [['America/Vancouver'], '236 257 604 672 778'], // BC
  [['America/Vancouver', 'America/Edmonton'], '250'], // BC interior, East Kootenay on Mountain
  [['America/Whitehorse', 'America/Edmonton', 'America/Rankin_Inlet', 'America/Iqaluit'], '867'], // territories
  // Caribbean and Atlantic members of the plan
  [['America/Nassau'], '242'],
  [['America/Barbados'], '246'],
  [['America/Anguilla'], '264'],
  [['America/Antigua'], '268'],
  [['America/Tortola'], '284'],
  [['America/Cayman'], '345'],
  [['Atlantic/Bermuda'], '441'],
  [['America/Grenada'], '473'],
  [['America/Grand_Turk'], '649'],
  [['America/Jamaica'], '658 876'],
  [['America/Montserrat'], '664'],
  [['America/Lower_Princes'], '721'],
  [['America/St_Lucia'], '758'],
  [['America/Dominica'], '767'],
  [['America/St_Vincent'], '784'],
  [['America/Santo_Domingo'], '809 829 849'],
  [['America/Port_of_Spain'], '868'],
  [['America/St_Kitts'], '869'],
];

function buildTable(): ReadonlyMap<string, readonly string[]> {
  const table = new Map<string, readonly string[]>();
  for (const [zones, codes] of GROUPS) {
    for (const code of codes.split(' ')) {
      if (table.has(code))
        throw new Error(`Area code ${code} is listed twice in the NANP zone table.`);
      table.set(code, zones);
    }
  }
  return table;
}

export const NANP_AREA_CODE_ZONES: ReadonlyMap<string, readonly string[]> = buildTable();

/** Zones for a three-digit area code; empty when the code is non-geographic or unknown. */
export function zonesForAreaCode(areaCode: string): readonly string[] {
  return NANP_AREA_CODE_ZONES.get(areaCode) ?? [];
}
